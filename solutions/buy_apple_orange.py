"""The apple and orange shopping graph of section 5.4, built from MulLayer and AddLayer.

りんご 2 個とみかん 3 個の買い物の計算グラフ (5.4 節)。`python buy_apple_orange.py` で本と同じ値を表示します。
"""
from layers import AddLayer, MulLayer


def buy_apple_orange(apple=100, apple_num=2, orange=150, orange_num=3, tax=1.1):
    """順伝播で支払い金額を、逆伝播で各入力に対する微分を求める。
    (price, dapple, dapple_num, dorange, dorange_num, dtax) を返す。
    Forward gives the price; backward (starting from dprice = 1) gives each input's derivative.
    Return (price, dapple, dapple_num, dorange, dorange_num, dtax)."""
    mul_apple = MulLayer()
    mul_orange = MulLayer()
    add_fruit = AddLayer()
    mul_tax = MulLayer()

    apple_price = mul_apple.forward(apple, apple_num)
    orange_price = mul_orange.forward(orange, orange_num)
    subtotal = add_fruit.forward(apple_price, orange_price)
    price = mul_tax.forward(subtotal, tax)

    dsubtotal, dtax = mul_tax.backward(1)
    dapple_price, dorange_price = add_fruit.backward(dsubtotal)
    dorange, dorange_num = mul_orange.backward(dorange_price)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    return price, dapple, dapple_num, dorange, dorange_num, dtax


if __name__ == "__main__":
    price, dapple, dapple_num, dorange, dorange_num, dtax = buy_apple_orange()
    print("price:", int(price))
    print("dApple:", dapple)
    print("dApple_num:", int(dapple_num))
    print("dOrange:", dorange)
    print("dOrange_num:", int(dorange_num))
    print("dTax:", dtax)
