"""Every sentence a student reads, in Japanese and English, keyed by what it means.

Checks produce Message(key, params); writers call `text(message, lang)`. A key that exists in one
language only is a test failure (tests/test_messages.py).
"""
from __future__ import annotations

import os

from grader.results import Message

LANGS = ("ja", "en")

MESSAGES: dict[str, dict[str, str]] = {
    # -- what went wrong --------------------------------------------------------------------
    "returned_none": {
        "en": "{method} returned None: is a `return` missing?",
        "ja": "{method} が None を返しました。return を書き忘れていませんか?"},
    "attribute_none": {
        "en": "{attribute} is None after {method}: backward must store {quantity} in self.{quantity}",
        "ja": "{method} の後も {attribute} が None です。backward で self.{quantity} に {quantity} を保存してください"},
    "wrong_type": {
        "en": "{method} gave {quantity} as {type}, not an array or number",
        "ja": "{method} の {quantity} が {type} です。配列か数値を返してください"},
    "wrong_shape": {
        "en": "{quantity} from {method} has shape {got}, expected {expected}",
        "ja": "{method} の {quantity} の形が {got} です。正しくは {expected} です"},
    "not_finite": {
        "en": "{quantity} from {method} contains NaN or inf",
        "ja": "{method} の {quantity} に NaN か inf が含まれています"},
    "wrong_values": {
        "en": "{quantity} from {method} is wrong: worst relative error {error:.2g} (allowed {threshold:.0e})",
        "ja": "{method} の {quantity} が違います: 最大相対誤差 {error:.2g} (許容 {threshold:.0e})"},
    "expected_pair": {
        "en": "{method} must return two values (dx, dy)",
        "ja": "{method} は 2 つの値 (dx, dy) を返す必要があります"},
    "expected_six": {
        "en": "{method} must return six values (price, dapple, dapple_num, dorange, dorange_num, dtax)",
        "ja": "{method} は 6 つの値 (price, dapple, dapple_num, dorange, dorange_num, dtax) を返す必要があります"},
    "modified_input": {
        "en": "{method} changed the array {argument} it was given; forward must leave its inputs alone",
        "ja": "{method} が受け取った配列 {argument} を書き換えました。順伝播は入力を変えてはいけません"},
    "stale_gradient": {
        "en": "{quantity} from {method} is wrong on a second forward and backward of the same layer",
        "ja": "同じレイヤで 2 回目の順伝播と逆伝播をしたとき、{method} の {quantity} が違います"},
    "stale_gradient_net": {
        "en": "{quantity} from {method} is wrong on a second call on the same network, after its params "
              "changed in place as in training",
        "ja": "同じネットワークで params をその場で変えてから 2 回目に呼んだとき (学習と同じ)、{method} の "
              "{quantity} が違います"},
    "copied_parameters": {
        "en": "Affine does not see W and b change: {method} keeps copies instead of the arrays it was given",
        "ja": "W と b の変更が Affine に反映されません: {method} が受け取った配列ではなくコピーを持っています"},
    "dx_not_reshaped": {
        "en": "{method} returned dx with shape {got}; it must have the input's shape {expected}",
        "ja": "{method} の dx の形が {got} です。入力と同じ形 {expected} に戻してください"},
    "missing_keys": {
        "en": "{method} returned a dict without {keys}",
        "ja": "{method} の返す辞書に {keys} がありません"},
    "too_slow": {
        "en": "{method} took more than {seconds:g} s on one batch of 20: far too slow for backpropagation",
        "ja": "{method} が 20 件のバッチ 1 つに {seconds:g} 秒以上かかりました。誤差逆伝播法としては遅すぎます"},
    "directional_mismatch": {
        "en": "{method} disagrees with the numerical gradient along a random direction (relative error {error:.2g})",
        "ja": "{method} がランダムな方向の数値微分と一致しません (相対誤差 {error:.2g})"},
    "training_gradient_wrong": {
        "en": "during training, the gradient at iteration {iteration} does not match the loss at the current parameters",
        "ja": "学習中、{iteration} 回目の勾配が現在のパラメータでの損失と一致しません"},
    "accuracy_too_low": {
        "en": "test accuracy {accuracy:.4f} after {iterations} iterations; the target is {target:.3f}",
        "ja": "{iterations} 回の学習後のテスト認識精度は {accuracy:.4f} で、目標 {target:.3f} に届きません"},
    "not_started": {
        "en": "{method} is not written yet (it still raises NotImplementedError)",
        "ja": "{method} はまだ書かれていません (NotImplementedError のままです)"},
    "raised": {
        "en": "{method} raised an exception",
        "ja": "{method} で例外が発生しました"},
    "timeout": {
        "en": "{method} did not finish within the time budget and was stopped",
        "ja": "{method} が制限時間内に終わらなかったため止めました"},
    "worker_died": {
        "en": "the process running your code ended during {method} ({how})",
        "ja": "{method} の実行中に、あなたのコードを動かすプロセスが終了しました ({how})"},
    "not_run_after": {
        "en": "not run: {check} ended the process running your code",
        "ja": "未実行: {check} であなたのコードを動かすプロセスが終了しました"},
    "skipped_dependency": {
        "en": "skipped: {deps} must pass first",
        "ja": "スキップ: 先に {deps} を通してください"},
    "file_missing": {
        "en": "{file} is missing from the submission",
        "ja": "提出フォルダに {file} がありません"},
    # -- a whole file, not one check: said once for every exercise that needs the file ---------
    "source_not_utf8": {
        "en": "{file} is not UTF-8 (it looks like {encoding}): save it as UTF-8",
        "ja": "{file} が UTF-8 ではありません ({encoding} のようです)。UTF-8 で保存し直してください"},
    "source_not_utf8_unknown": {
        "en": "{file} is not UTF-8: save it as UTF-8",
        "ja": "{file} が UTF-8 ではありません。UTF-8 で保存し直してください"},
    "source_bad_coding": {
        "en": "{file} has a coding line Python cannot use ({reason}): delete that line and save the file as UTF-8",
        "ja": "{file} の coding 行を Python が使えません ({reason})。その行を消して UTF-8 で保存してください"},
    "source_wrong_coding": {
        "en": "{file} says it is written in {encoding} (its coding line), but it is not: delete that line "
              "and save the file as UTF-8",
        "ja": "{file} は coding 行で {encoding} と宣言していますが、その文字コードではありません。"
              "その行を消して UTF-8 で保存してください"},
    "source_unreadable": {
        "en": "{file} could not be read: {reason}",
        "ja": "{file} を読めませんでした: {reason}"},
    "source_too_large": {
        "en": "{file} is {size}: too large to grade (the limit is {limit})",
        "ja": "{file} は {size} あり、大きすぎて採点できません (上限 {limit})"},
    "source_too_complex": {
        "en": "{file} is too complex to read safely: the statement at line {line} has more than "
              "{limit} operators. Split it into shorter statements",
        "ja": "{file} は複雑すぎて安全に読めません: {line} 行目の文に演算子が {limit} 個を超えてあります。"
              "短い文に分けてください"},
    "source_too_deep": {
        "en": "{file} nests too deeply to be read safely: split its longest expressions into shorter statements",
        "ja": "{file} は入れ子が深すぎて安全に読めません。長い式を短い文に分けてください"},
    "source_empty": {
        "en": "{file} is empty: it defines none of the classes the exercises need",
        "ja": "{file} が空です。課題に必要なクラスが 1 つも定義されていません"},
    "import_failed_at": {
        "en": "{file} could not be imported: {type} at line {line}",
        "ja": "{file} を import できませんでした: {line} 行目で {type}"},
    "import_failed": {
        "en": "{file} could not be imported: {type}",
        "ja": "{file} を import できませんでした: {type}"},
    "import_timeout": {
        "en": "importing {file} did not finish within the time budget: does it run something long "
              "at the top level (outside if __name__ == '__main__')?",
        "ja": "{file} の import が制限時間内に終わりませんでした。関数の外 (if __name__ == '__main__' の外) "
              "で時間のかかる処理をしていませんか?"},
    "import_died": {
        "en": "the process running your code ended while importing {file} ({how})",
        "ja": "{file} の import 中に、あなたのコードを動かすプロセスが終了しました ({how})"},
    "near_miss_class": {
        "en": "{file} has no class {want}; it has {near}: rename it, the book and the training code call it {want}",
        "ja": "{file} に {want} クラスがありません。{near} ならあります: 名前を {want} に変えてください (本も学習のコードも {want} と呼びます)"},
    "near_miss_method": {
        "en": "{cls} in {file} has no method {want}; it has {near}: rename it, the book and the training code call it {want}",
        "ja": "{file} の {cls} に {want} メソッドがありません。{near} ならあります: 名前を {want} に変えてください (本も学習のコードも {want} と呼びます)"},
    "script_missing_values": {
        "en": "{file} ran but did not print {names} (the book prints lines such as \"price: 715\")",
        "ja": "{file} を実行しましたが {names} が表示されませんでした (本では \"price: 715\" のような行を表示します)"},
    "script_wrong_value": {
        "en": "{file} printed {quantity} = {got}; the book's graph gives {expected}",
        "ja": "{file} が表示した {quantity} は {got} です。本の計算グラフでは {expected} になります"},
    "layout_both_book": {
        "en": "two layouts fit (this folder's own layers.py, and the book's common/layers.py); used {file} because two_layer_net.py imports {imports}",
        "ja": "2 通りの配置が当てはまります (このフォルダの layers.py と、本の common/layers.py)。two_layer_net.py が {imports} を import しているので {file} を使いました"},
    "layout_both_flat": {
        "en": "two layouts fit (this folder's own layers.py, and the book's common/layers.py); used {file} because two_layer_net.py imports {imports}",
        "ja": "2 通りの配置が当てはまります (このフォルダの layers.py と、本の common/layers.py)。two_layer_net.py が import しているのが {imports} なので {file} を使いました"},
    "layout_several": {
        "en": "{name} is defined in {files}; used {used} (name the file in [tool.grader.files] to choose)",
        "ja": "{name} が {files} で定義されています。{used} を使いました ([tool.grader.files] でファイルを指定できます)"},
    "mnist_unavailable": {
        "en": "MNIST could not be loaded, so the network could not be trained (not your code's fault)",
        "ja": "MNIST を読み込めなかったため学習できませんでした (あなたのコードの問題ではありません)"},
    "grader_bug": {
        "en": "the grader itself failed here; please report this with the text below",
        "ja": "採点プログラム自身がここで失敗しました。下の内容を添えて報告してください"},
    "run_budget_spent": {
        "en": "not run: the whole run's time budget ({seconds:g} s) was spent",
        "ja": "未実行: 全体の制限時間 ({seconds:g} 秒) を使い切りました"},
    # -- diagnoses: the relation between a wrong answer and the right one -------------------
    "diag_all_zero": {
        "en": "every entry is zero: is the gradient computed but not returned or stored?",
        "ja": "すべて 0 です。勾配を計算しても返していない (保存していない) のでは?"},
    "diag_sign": {
        "en": "the sign is flipped: every entry has the right size and the wrong sign",
        "ja": "符号が逆です。大きさは合っていますが、すべて符号が反対です"},
    "diag_transposed": {
        "en": "this is the transpose of the right answer",
        "ja": "正解を転置したものになっています"},
    "diag_transposed_shape": {
        "en": "the shape is the transpose of the right one: check which operand is transposed",
        "ja": "形が正解の転置になっています。どちらを転置するか確かめましょう"},
    "diag_reshaped": {
        "en": "the values have shape {got} where {expected} is needed: reshape to the expected shape",
        "ja": "形が {got} ですが {expected} が必要です。正しい形に reshape しましょう"},
    "diag_summed_batch": {
        "en": "the batch axis is missing: something was summed or averaged over the batch",
        "ja": "バッチの軸がありません。バッチ方向に和や平均を取っていませんか?"},
    "diag_not_summed": {
        "en": "there is an extra batch axis: this quantity is a sum over the batch (axis=0)",
        "ja": "バッチの軸が余分です。この量はバッチ方向 (axis=0) の和です"},
    "diag_factor": {
        "en": "off by a constant factor: every entry is {factor:.4g} times the right value",
        "ja": "定数倍ずれています。すべての要素が正解の {factor:.4g} 倍です"},
    "diag_missing_batch_division": {
        "en": "{batch} times too large: the division by the batch size is missing",
        "ja": "{batch} 倍大きすぎます。バッチサイズで割るのを忘れていませんか?"},
    "diag_extra_batch_division": {
        "en": "{batch} times too small: something is divided by the batch size once too often",
        "ja": "{batch} 分の 1 になっています。バッチサイズで余分に割っていませんか?"},
    "diag_swapped_pair": {
        "en": "dx and dy are swapped: each input's gradient uses the other input",
        "ja": "dx と dy が入れ替わっています。それぞれの入力の勾配は「もう一方の入力」を使います"},
    "diag_mask_inverted": {
        "en": "the mask is inverted: gradient flows where the input was <= 0 and is blocked where it was > 0",
        "ja": "マスクが逆です。入力が 0 以下の所に勾配が流れ、正の所で止まっています"},
    "diag_gradient_leaks": {
        "en": "gradient leaks through where the input was <= 0: those entries must be zero",
        "ja": "入力が 0 以下だった所にも勾配が流れています。そこは 0 にします"},
    "diag_mask_without_dout": {
        "en": "this is the mask alone: multiply by the upstream gradient dout",
        "ja": "マスクそのものを返しています。上流の勾配 dout を掛けましょう"},
    "diag_times_output": {
        "en": "this is dout times ReLU's output, not dout where the input was positive",
        "ja": "dout に ReLU の出力を掛けています。入力が正の所だけ dout を通します"},
    "diag_accumulates": {
        "en": "it holds the sum of this call's gradient and the last call's: assign it "
              "(self.{quantity} = ...) instead of adding to it (+=). Each backward gives the gradient "
              "of the forward just before it, and training calls them once per step",
        "ja": "今回と前回の勾配の和になっています。+= で足し込まず、代入 (self.{quantity} = ...) してください。"
              "backward は毎回、直前の forward に対する勾配を求めます (学習では 1 ステップに 1 回呼ばれます)"},
    "diag_accumulates_grads": {
        "en": "it holds the sum of this call's gradient and the last call's: build the gradients "
              "afresh in every call instead of adding to ones kept from before (+=)",
        "ja": "今回と前回の勾配の和になっています。前回の勾配に += で足し込まず、呼び出しのたびに勾配を"
              "新しく作ってください"},
    "diag_copied_parameters": {
        "en": "training updates params in place, so the layer must keep the very arrays W and b (no .copy())",
        "ja": "学習は params をその場で更新するので、レイヤは W と b の配列そのものを持つ必要があります (.copy() しない)"},
    "diag_unstable_softmax": {
        "en": "softmax overflows for large inputs (around 1000): subtract the maximum before exp",
        "ja": "入力が大きい (1000 程度) と softmax がオーバーフローします。exp の前に最大値を引きましょう"},
    "diag_onehot_only": {
        "en": "right for one-hot targets, wrong for class indices: handle both forms of t",
        "ja": "ワンホットの t では正しく、クラス番号の t では違います。両方の形に対応しましょう"},
    "diag_keys_swapped": {
        "en": "{key} has the shape of {other}: are the two swapped?",
        "ja": "{key} が {other} の形をしています。入れ替わっていませんか?"},
    "diag_numerical_gradient": {
        "en": "this is the speed of a numerical gradient; gradient must use backpropagation (backward through the layers)",
        "ja": "数値微分の速さです。gradient は誤差逆伝播法 (レイヤの backward) で求めます"},
    "diag_stale_parameters": {
        "en": "the gradient was right on its own but not after earlier steps: something is left over "
              "from them. Do the layers see params change (no copies)? Are gradients recomputed each "
              "call rather than added up (+=)?",
        "ja": "単独では正しい勾配が、前のステップのあとでは合いません。前のステップの何かが残っています。"
              "params の更新がレイヤに届いていますか (コピーしていませんか)? 勾配を呼び出しのたびに計算し直して"
              "いますか (+= で足し込んでいませんか)?"},
    "diag_diverged": {
        "en": "the parameters became NaN or inf: the gradient is far too large",
        "ja": "パラメータが NaN か inf になりました。勾配が大きすぎます"},
    "diag_constant_init": {
        "en": "{key} started with every entry equal ({value:g}): all hidden units compute the same "
              "thing, get the same gradient and never become different. Start from small random "
              "numbers, as the book does with weight_init_std * np.random.randn(...)",
        "ja": "{key} の初期値がすべて同じ値 ({value:g}) です。隠れ層のユニットがどれも同じ計算をして同じ勾配を"
              "受け取るので、違いが生まれません。本のように weight_init_std * np.random.randn(...) で小さな乱数から"
              "始めてください"},
    "diag_large_init": {
        "en": "{key} started large (standard deviation {std:.3g}; the book uses 0.01): the network "
              "starts with huge outputs, the softmax saturates and learning crawls. Check "
              "weight_init_std and how the weights are drawn",
        "ja": "{key} の初期値が大きすぎます (標準偏差 {std:.3g}、本では 0.01)。最初から出力が巨大で softmax が"
              "飽和し、学習がなかなか進みません。weight_init_std と重みの作り方を確認してください"},
    "diag_not_learning": {
        "en": "the network did not learn at all: accuracy stayed near chance (0.1)",
        "ja": "まったく学習していません。認識精度が偶然の水準 (0.1) のままです"},
    # -- command-line help ------------------------------------------------------------------
    "cli.description": {"en": "Grade chapter 5 of 'Deep Learning from Scratch' (backpropagation), exercise by exercise.", "ja": "『ゼロから作るDeep Learning』第 5 章 (誤差逆伝播法) を課題ごとに採点します。"},
    "cli.check": {"en": "check a submission folder (default ./exercises)", "ja": "提出フォルダを採点する (既定は ./exercises)"},
    "cli.check.description": {"en": "Check a submission folder exercise by exercise.", "ja": "提出フォルダを課題ごとに採点します。"},
    "cli.check.targets": {"en": "the submission folder, then optionally exercise ids (case-insensitive)", "ja": "提出フォルダ、続けて課題名 (省略可、大文字小文字は区別しない)"},
    "cli.check.format": {"en": "rich: the terminal report; json: Gradescope's results.json; junit: JUnit XML", "ja": "rich: 端末の表示、json: Gradescope の results.json、junit: JUnit XML"},
    "cli.check.output": {"en": "write the report to FILE", "ja": "結果を FILE に書き出す"},
    "cli.check.seed": {"en": "seed for the random inputs (default: $GRADER_SEED, the config, or 0)", "ja": "乱数入力のシード (既定: $GRADER_SEED、設定ファイル、または 0)"},
    "cli.check.min_score": {"en": "exit 0 when the score reaches this", "ja": "得点がこの値以上なら終了コード 0"},
    "cli.check.config": {"en": "a grader.toml or pyproject.toml with [tool.grader] (default: found nearby)", "ja": "grader.toml か [tool.grader] のある pyproject.toml (既定: 近くにあるもの)"},
    "cli.check.plot": {"en": "save the learning curve and W1 as PNG pictures in DIR (needs matplotlib)", "ja": "学習曲線と W1 の画像を DIR に PNG で保存する (matplotlib が必要)"},
    "cli.check.timeout": {"en": "time budget per exercise (default 60; MNIST training has its own, 300)", "ja": "課題ごとの制限時間 (既定 60 秒、MNIST の学習は別に 300 秒)"},
    "cli.check.memory": {"en": "address-space limit of the process running student code (default 2048)", "ja": "学生のコードを動かすプロセスのメモリ上限 MB (既定 2048)"},
    "cli.lang": {"en": "language of the output (default: from LANG / LC_ALL / LANGUAGE)", "ja": "表示の言語 (既定: LANG / LC_ALL / LANGUAGE から)"},
    "cli.list": {"en": "the exercises in book order, with state and points", "ja": "課題の一覧 (本の順、状態と得点)"},
    "cli.hint": {"en": "a hint for an exercise, one step at a time", "ja": "課題のヒントを 1 段階ずつ"},
    "cli.hint.more": {"en": "the next step", "ja": "次の段階のヒント"},
    "cli.hint.level": {"en": "show steps 1..N", "ja": "1 から N 段階までを表示"},
    "cli.init": {"en": "write fresh exercise stubs into DIR", "ja": "DIR に課題のひな形を作る"},
    "cli.reset": {"en": "restore one exercise's stub, keeping a backup", "ja": "1 つの課題を最初の状態に戻す (バックアップを残す)"},
    "cli.watch": {"en": "re-check on every save", "ja": "保存するたびに採点し直す"},
    "cli.watch.interval": {"en": "how often to look for changes, in seconds (default 0.5)", "ja": "変更を確かめる間隔 (秒、既定 0.5)"},
    # -- a class: grade, shards, gradebooks ------------------------------------------------
    "cli.grade.shard": {
        "en": "grade only shard K of N (1 <= K <= N), chosen by a hash of each folder's name",
        "ja": "N 個に分けたうちの K 番目だけを採点する (1 <= K <= N、フォルダ名のハッシュで決まります)"},
    "grade.done": {
        "en": "{graded} submission(s) graded and {reused} reused from an earlier run in {seconds:.1f} s "
              "-> {output} (results in {results})",
        "ja": "{graded} 件を採点し、{reused} 件は前回の結果を使いました ({seconds:.1f} 秒) -> {output} "
              "(個別の結果は {results})"},
    "grade.shard": {"en": "shard {k}/{n}: {count} submission(s) of the class",
                    "ja": "分担 {k}/{n}: このクラスのうち {count} 件"},
    "cli.gradebook": {"en": "merge grade results into one gradebook, for an LMS if you like",
                      "ja": "採点結果をまとめて 1 つの成績表にする (LMS 用の形式も可)"},
    "cli.gradebook.description": {
        "en": "Merge the results of any number of `grader grade` runs (folders or files) into one gradebook.",
        "ja": "`grader grade` の結果 (フォルダかファイル、いくつでも) をまとめて 1 つの成績表にします。"},
    "cli.gradebook.results": {"en": "results folders (<gradebook>.results) or results files",
                              "ja": "結果のフォルダ (<成績表>.results) か結果のファイル"},
    "cli.gradebook.format": {
        "en": "csv (default): per exercise; moodle, canvas, google-classroom: the LMS's grade import",
        "ja": "csv (既定): 課題ごとの得点; moodle, canvas, google-classroom: 各 LMS の成績インポート形式"},
    "cli.gradebook.roster": {
        "en": "CSV with submission or github, student_id, email, name (section, canvas_id, login_id optional)",
        "ja": "submission か github、student_id、email、name の列がある CSV (section、canvas_id、login_id は任意)"},
    "cli.gradebook.assignment": {"en": "the assignment's name in the LMS (the grade column's name)",
                                 "ja": "LMS での課題名 (成績の列の名前になります)"},
    "cli.gradebook.out_of": {"en": "rescale grades to this maximum (default: the configuration's maximum score)",
                             "ja": "成績をこの満点に換算する (既定: 設定の満点)"},
    "err.gradebook_needs": {"en": "--format {format} needs --roster and --assignment",
                            "ja": "--format {format} には --roster と --assignment が必要です"},
    "err.gradebook_out_of": {"en": "--out-of must be more than 0", "ja": "--out-of は 0 より大きくしてください"},
    "err.merge_empty": {"en": "no results files in {paths}", "ja": "{paths} に結果のファイルがありません"},
    "err.merge_unreadable": {"en": "{file} cannot be read as JSON ({reason})",
                             "ja": "{file} を JSON として読めません ({reason})"},
    "err.merge_unstamped": {
        "en": "{file} was not written by `grader grade` of this version (no extra_data.grade); grade the "
              "class again to merge it",
        "ja": "{file} はこのバージョンの `grader grade` が書いたものではありません (extra_data.grade がない)。"
              "まとめるにはもう一度採点してください"},
    "err.merge_mismatch": {
        "en": "{file} was graded with {setting} {value}, but {first} with {first_value}: one gradebook must be "
              "graded one way; nothing was written",
        "ja": "{file} は {setting} {value} で、{first} は {first_value} で採点されています。1 つの成績表は同じ条件で"
              "採点したものだけです。何も書き込んでいません"},
    "err.merge_duplicate": {
        "en": "{name} has two results, {other} and {file}; keep one; nothing was written",
        "ja": "{name} の結果が 2 つあります ({other} と {file})。1 つにしてください。何も書き込んでいません"},
    "err.roster_unreadable": {"en": "the roster {path} cannot be read as UTF-8 CSV ({reason})",
                              "ja": "名簿 {path} を UTF-8 の CSV として読めません ({reason})"},
    "err.roster_columns": {
        "en": "the roster {path} needs a header row with a submission or github column; the columns are: {columns}",
        "ja": "名簿 {path} には submission か github の列のある見出し行が必要です。列名: {columns}"},
    "err.roster_no_key": {"en": "{path} line {line}: neither submission nor github is filled in",
                          "ja": "{path} の {line} 行目: submission も github も空です"},
    "err.roster_duplicate": {"en": "{path} line {line}: {value} is already on line {other}",
                             "ja": "{path} の {line} 行目: {value} は {other} 行目にもあります"},
    "err.roster_two_folders": {
        "en": "{first} and {second} both belong to {student}; keep one; nothing was written",
        "ja": "{first} と {second} はどちらも {student} のものです。1 つにしてください。何も書き込んでいません"},
    "err.roster_needs": {"en": "--format {format} needs a roster column {columns}",
                         "ja": "--format {format} には名簿に {columns} の列が必要です"},
    "gradebook.no_roster_row": {"en": "no roster row", "ja": "名簿にありません"},
    "gradebook.no_submission": {"en": "no submission", "ja": "提出がありません"},
    "gradebook.unmatched": {"en": "submissions without a roster row (only the csv format can hold them)",
                            "ja": "名簿にない提出 (csv 形式にだけ入ります)"},
    "gradebook.absent": {"en": "roster rows without a submission", "ja": "提出のない名簿の行"},
    "gradebook.unusable": {"en": "roster rows without {columns}, left out", "ja": "{columns} のない名簿の行 (入れていません)"},
    "gradebook.incomplete": {"en": "graded 0 because their check could not run or finish (the reason is in "
                                   "their results files; `grader grade` tries them again)",
                             "ja": "採点を実行できなかったか終わらなかったため 0 点のもの (理由は結果のファイルに"
                                   "あります。`grader grade` をもう一度実行すると採点し直します)"},
    "gradebook.done": {"en": "{rows} row(s) from {files} results file(s) -> {output} (out of {max_score:g}, seed {seed})",
                       "ja": "{files} 個の結果ファイルから {rows} 行 -> {output} (満点 {max_score:g}、seed {seed})"},
    "grade.interrupted": {
        "en": "interrupted: {kept} of {total} results are complete and kept; run the same command "
              "again to grade the rest",
        "ja": "中断しました: {total} 件中 {kept} 件の結果は完成しているので残してあります。同じコマンドを"
              "もう一度実行すると残りを採点します"},
    # -- errors of the command itself ------------------------------------------------------
    "err.sandbox_required": {
        "en": "--sandbox require: the worker could not be confined, so nothing was graded ({reason})",
        "ja": "--sandbox require: ワーカーを隔離できなかったため採点していません ({reason})"},
    "err.file_too_big": {
        "en": "{file} is larger than {limit} bytes: the grader does not read files that large",
        "ja": "{file} が {limit} バイトを超えています: これほど大きなファイルは採点できません"},
    "err.too_much_source": {
        "en": "the folder holds more than {files} .py files or {limit} bytes of them: point the grader at the submission itself",
        "ja": ".py ファイルが {files} 個または {limit} バイトを超えています: 提出フォルダそのものを指定してください"},
    "cli.check.sandbox": {
        "en": "auto (default): the best confinement this system has; require: refuse to grade "
              "without the full Linux sandbox (exit 2); off: a plain separate process",
        "ja": "auto (既定): この環境で使える最善の隔離; require: Linux の完全なサンドボックスが"
              "なければ採点しない (終了コード 2); off: 隔離なしの別プロセス"},
    "err.not_regular": {
        "en": "{path} is not a regular file (a link or a folder): the grader only rewrites regular files",
        "ja": "{path} は通常のファイルではありません (リンクかフォルダ): 書き換えるのは通常のファイルだけです"},
    "err.no_backup_name": {
        "en": "no free name for a backup of {path}: nothing was changed",
        "ja": "{path} のバックアップ名が見つかりません: 何も変更していません"},
    "cli.check.no_cache": {
        "en": "grade every exercise again, even those whose files have not changed since they were last graded",
        "ja": "前回からファイルが変わっていない課題も、もう一度採点します"},
    "ui.reused": {
        "en": "Unchanged since last time, not graded again: {exercises} (--no-cache grades them anew)",
        "ja": "前回から変わっていないため再採点していません: {exercises} (--no-cache で採点し直します)"},
    "ui.sandbox": {"en": "sandbox: {summary}", "ja": "サンドボックス: {summary}"},
    "err.no_folder": {"en": "no such folder: {path}", "ja": "フォルダがありません: {path}"},
    "err.not_folder": {"en": "not a folder: {path}", "ja": "フォルダではありません: {path}"},
    "err.no_files": {
        "en": "{path} holds none of the submission files ({files}); is this the right folder?",
        "ja": "{path} に提出ファイル ({files}) が 1 つもありません。フォルダは合っていますか?"},
    "err.output_no_folder": {
        "en": "cannot write {path}: there is no folder {folder}",
        "ja": "{path} に書き込めません: フォルダ {folder} がありません"},
    "err.output_is_folder": {
        "en": "cannot write {path}: it is a folder; give a file name",
        "ja": "{path} に書き込めません: フォルダです。ファイル名を指定してください"},
    "err.plot_not_folder": {
        "en": "--plot needs a folder for its pictures, but {path} is a file",
        "ja": "--plot には図を保存するフォルダを指定してください。{path} はファイルです"},
    "err.cannot_write": {
        "en": "cannot write {path}: {reason}",
        "ja": "{path} に書き込めません: {reason}"},
    "err.cannot_use": {
        "en": "cannot use {path}: {reason}",
        "ja": "{path} を使えません: {reason}"},
    "err.unknown_exercise": {
        "en": "unknown exercise {name!r}; the exercises are: {exercises}",
        "ja": "{name!r} という課題はありません。課題は次のとおりです: {exercises}"},
    "err.no_stubs": {
        "en": "the exercise stubs are missing from this installation; reinstall backprop-grader",
        "ja": "課題のひな形が見つかりません。backprop-grader を入れ直してください"},
    "err.init_exists": {
        "en": "{path} already holds {files}; nothing was written (grader init never overwrites)",
        "ja": "{path} にはすでに {files} があります。何も書き込んでいません (grader init は上書きしません)"},
    "err.no_file": {"en": "{path} does not exist", "ja": "{path} がありません"},
    "err.reset_syntax": {
        "en": "{path} has a syntax error at line {line}; fix it (or restore a .bak) before resetting",
        "ja": "{path} の {line} 行目に文法エラーがあります。直してから (または .bak から戻してから) リセットしてください"},
    "err.reset_missing": {
        "en": "{path} no longer defines {names}; copy it from `grader init` into a new folder instead",
        "ja": "{path} に {names} がありません。`grader init` で新しいフォルダに作ってコピーしてください"},
    "err.nothing_to_reset": {
        "en": "{exercise} has no code of its own to reset (it uses your TwoLayerNet)",
        "ja": "{exercise} にはリセットするコードがありません (あなたの TwoLayerNet を使います)"},
    # -- the report's own words -------------------------------------------------------------
    "state.passed": {"en": "passed", "ja": "合格"},
    "state.failed": {"en": "failed", "ja": "不合格"},
    "state.error": {"en": "error", "ja": "エラー"},
    "state.timeout": {"en": "timeout", "ja": "時間切れ"},
    "state.not_started": {"en": "not started", "ja": "未着手"},
    "state.skipped": {"en": "skipped", "ja": "スキップ"},
    "ui.title": {"en": "backprop-grader: {path}", "ja": "backprop-grader: {path}"},
    "ui.exercise": {"en": "Exercise", "ja": "課題"},
    "ui.state": {"en": "State", "ja": "状態"},
    "ui.points": {"en": "Points", "ja": "得点"},
    "ui.detail": {"en": "Detail", "ja": "詳細"},
    "ui.score": {"en": "Score: {score:g} / {max_score:g}   ({seconds:.1f} s, seed {seed})",
                 "ja": "得点: {score:g} / {max_score:g}   ({seconds:.1f} 秒, seed {seed})"},
    "ui.expected": {"en": "expected", "ja": "期待値"},
    "ui.got": {"en": "got", "ja": "実際"},
    "ui.worst": {"en": "worst entry (expected / got)", "ja": "最も違う要素 (期待値 / 実際)"},
    "ui.hint": {"en": "Hint", "ja": "ヒント"},
    "ui.output": {"en": "Your code printed", "ja": "あなたのコードの出力"},
    "ui.your_line": {"en": "your code", "ja": "あなたのコード"},
    "ui.next": {"en": "Next: {exercise} in {file}. For a hint: grader hint {exercise}",
                "ja": "次は {file} の {exercise} です。ヒント: grader hint {exercise}"},
    "ui.all_passed": {"en": "All exercises passed. Well done!",
                      "ja": "すべての課題に合格しました。おつかれさまでした!"},
    "ui.all_not_started": {
        "en": "Nothing written yet: start with {exercise} in {file} (section {section} of the book).",
        "ja": "まだ何も書かれていません。まず {file} の {exercise} から始めましょう (本書 {section} 節)。"},
    "ui.live_exercises": {"en": "checking", "ja": "採点中"},
    "ui.live_training": {"en": "training on MNIST", "ja": "MNIST で学習中"},
    "ui.live_accuracy": {"en": "test accuracy {accuracy:.3f}", "ja": "テスト認識精度 {accuracy:.3f}"},
    "ui.list_title": {"en": "Exercises in {path}", "ja": "{path} の課題"},
    "ui.topic": {"en": "Topic", "ja": "内容"},
    "ui.file": {"en": "File", "ja": "ファイル"},
    "ui.hint_more": {"en": "More: grader hint {exercise} --more ({left} step(s) left)",
                     "ja": "続き: grader hint {exercise} --more (残り {left} 段階)"},
    "ui.hint_last": {"en": "That was the last step: the rest is yours to write.",
                     "ja": "ヒントはここまでです。あとは自分で書いてみましょう。"},
    "ui.init_done": {"en": "Wrote fresh exercises to {path}. Start with: grader check {path}",
                     "ja": "{path} に課題を作りました。まず grader check {path} を実行しましょう"},
    "ui.reset_done": {"en": "{exercise} in {file} is back to its stub. Your previous file: {backup}",
                      "ja": "{file} の {exercise} を最初の状態に戻しました。前のファイル: {backup}"},
    "ui.watch_start": {"en": "Watching {path} (Ctrl-C to stop). Save a file to re-check.",
                       "ja": "{path} を監視しています (Ctrl-C で終了)。保存すると採点し直します。"},
    "ui.watch_changed": {"en": "{files} changed: re-checking {exercises}",
                         "ja": "{files} が変わりました: {exercises} を採点し直します"},
    "ui.watch_passed": {"en": "{exercise} passed!", "ja": "{exercise} に合格しました!"},
    "ui.curve_title": {"en": "Learning curve (test accuracy)", "ja": "学習曲線 (テスト認識精度)"},
    "ui.curve_caption": {
        "en": "iterations {first} → {last}: accuracy {start:.3f} → {end:.3f} (target {target:.2f}; ▁ ≤ 0.8, █ = 1.0)",
        "ja": "学習回数 {first} → {last}: 認識精度 {start:.3f} → {end:.3f} (目標 {target:.2f}; ▁ ≤ 0.8, █ = 1.0)"},
    "ui.summary_not_written": {
        "en": "cannot write the GitHub step summary {path}: {reason}",
        "ja": "GitHub のステップサマリー {path} に書き込めません: {reason}"},
    "ui.plot_saved": {"en": "Pictures saved: {files}", "ja": "図を保存しました: {files}"},
    "ui.plot_needs_matplotlib": {
        "en": "--plot needs matplotlib: pip install 'backprop-grader[plot]'",
        "ja": "--plot には matplotlib が必要です: pip install 'backprop-grader[plot]'"},
    "ui.layout.flat": {"en": "Layout: the flat folder", "ja": "配置: 1 つのフォルダ"},
    "ui.layout.book": {"en": "Layout: the book's repository (ch05/ with common/)",
                       "ja": "配置: 本のリポジトリ (ch05/ と common/)"},
    "ui.layout.course": {"en": "Layout: the course's own ([tool.grader.files])",
                         "ja": "配置: コースの設定 ([tool.grader.files])"},
    "ui.apple.function": {"en": "function", "ja": "関数"},
    "ui.apple.script": {"en": "the book's script, run", "ja": "本のスクリプトを実行"},
    "ui.apple.wired": {"en": "no file: the book's graph wired from your layers",
                       "ja": "ファイルなし: あなたのレイヤで本の計算グラフを組み立て"},
    "ui.accuracy": {"en": "test accuracy {accuracy:.4f} after {iterations} iterations",
                    "ja": "{iterations} 回の学習でテスト認識精度 {accuracy:.4f}"},
}


# Messages about a whole file rather than one check: the report says them once per file.
FILE_LEVEL = frozenset({"file_missing", "source_not_utf8", "source_not_utf8_unknown", "source_bad_coding",
                        "source_wrong_coding", "source_unreadable", "source_too_large",
                        "source_too_complex", "source_too_deep", "source_empty", "import_failed_at",
                        "import_failed", "import_timeout", "import_died"})


def text(message: Message | None, lang: str) -> str:
    if message is None:
        return ""
    return say(message.key, lang, **dict(message.params))


def say(key: str, lang: str, /, **params) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry["en"]
    try:
        return template.format(**params)
    except (KeyError, ValueError, IndexError):
        return template


def choose_language(explicit: str | None = None) -> str:
    """--lang, else LC_ALL / LANG / LANGUAGE (ja_* gives Japanese), else English."""
    if explicit in LANGS:
        return explicit
    for var in ("LC_ALL", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"
