"""The apple and orange shopping graph of section 5.4, built from MulLayer and AddLayer.

りんご 2 個とみかん 3 個の買い物の計算グラフ (5.4 節)。`python buy_apple_orange.py` で本と同じ値を表示します。
"""
from layers import AddLayer, MulLayer


def buy_apple_orange(apple=100, apple_num=2, orange=150, orange_num=3, tax=1.1):
    """順伝播で支払い金額を、逆伝播で各入力に対する微分を求める。
    (price, dapple, dapple_num, dorange, dorange_num, dtax) を返す。
    Forward gives the price; backward (starting from dprice = 1) gives each input's derivative.
    Return (price, dapple, dapple_num, dorange, dorange_num, dtax)."""
    raise NotImplementedError('buy_apple_orange を書いてください / write buy_apple_orange (hint: grader hint buy_apple_orange)')


if __name__ == "__main__":
    price, dapple, dapple_num, dorange, dorange_num, dtax = buy_apple_orange()
    print("price:", int(price))
    print("dApple:", dapple)
    print("dApple_num:", int(dapple_num))
    print("dOrange:", dorange)
    print("dOrange_num:", int(dorange_num))
    print("dTax:", dtax)
