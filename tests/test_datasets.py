"""load_mnist: the book's shapes and dtypes, verified files, a cache that is used and self-heals."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from grader import datasets
from grader.datasets import MnistError, load_mnist


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Every test gets an empty cache of its own and a fresh in-process memo."""
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(datasets, "_memory", {})
    monkeypatch.setattr(datasets, "_cache_dirs", lambda: [tmp_path / "cache"])


@pytest.mark.parametrize("normalize, flatten, one_hot", [
    (True, True, False), (False, True, False), (True, False, True), (False, False, True)])
def test_book_shapes_and_dtypes(normalize, flatten, one_hot):
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=normalize, flatten=flatten,
                                                      one_hot_label=one_hot)
    image = (784,) if flatten else (1, 28, 28)
    assert x_train.shape == (60000, *image) and x_test.shape == (10000, *image)
    assert x_train.dtype == (np.float32 if normalize else np.uint8)
    if one_hot:
        assert t_train.shape == (60000, 10) and t_train.dtype == np.float32
        assert np.all(t_train.sum(axis=1) == 1)
    else:
        assert t_train.shape == (60000,) and t_train.dtype == np.uint8


def test_known_values_from_the_original_files():
    (x_train, t_train), (_, t_test) = load_mnist()
    expected = [0, 0, 0.01176471, 0.07058824, 0.07058824, 0.07058824, 0.49411765, 0.53333336,
                0.6862745, 0.10196079]
    np.testing.assert_allclose(x_train[0][150:160], expected, rtol=1e-6)
    assert t_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert t_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(t_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_normalised_values_match_the_books_division():
    (x_u8, _), _ = load_mnist(normalize=False)
    (x, _), _ = load_mnist(normalize=True)
    np.testing.assert_array_equal(x[:500], x_u8[:500].astype(np.float32) / 255.0)


def test_second_load_uses_the_cache(monkeypatch):
    load_mnist()
    monkeypatch.setattr(datasets, "_memory", {})

    def no_decoding(*_):
        raise AssertionError("decoded again instead of reading the cache")
    monkeypatch.setattr(datasets, "_decode", no_decoding)
    (x, _), _ = load_mnist()
    assert x.shape == (60000, 784)


def test_truncated_cache_is_rebuilt(tmp_path, monkeypatch):
    load_mnist()
    for path in (tmp_path / "cache").glob("*train_img.npy"):
        path.write_bytes(path.read_bytes()[:1000])
    monkeypatch.setattr(datasets, "_memory", {})
    (x, _), _ = load_mnist(normalize=False)
    assert x.shape == (60000, 784) and int(x[0].sum()) > 0


def test_rewritten_cache_is_not_believed(tmp_path, monkeypatch):
    """Same shape and dtype, other values (a submission faking its test accuracy): rebuilt."""
    load_mnist()
    for path in (tmp_path / "cache").glob("*test_label.npy"):
        np.save(path, np.zeros(10000, dtype=np.uint8))
    monkeypatch.setattr(datasets, "_memory", {})
    images, labels = datasets.test_set_uint8()
    assert np.bincount(labels).tolist()[:2] == [980, 1135]
    assert np.bincount(np.load(next((tmp_path / "cache").glob("*test_label.npy"))))[1] == 1135


def test_training_images_are_mapped_from_the_cache(tmp_path):
    load_mnist()
    images, labels = datasets.training_set_mapped()
    assert isinstance(images.base, np.memmap) and images.shape == (60000, 784)
    assert labels[:3].tolist() == [5, 0, 4]
    assert datasets.shared_cache_folder() == tmp_path / "cache"


def test_corrupt_file_names_itself(tmp_path, monkeypatch):
    folder = tmp_path / "mnist"
    shutil.copytree(datasets.find_mnist_dir(), folder)
    target = folder / "t10k-labels-idx1-ubyte.gz"
    data = bytearray(target.read_bytes())
    data[100] ^= 0xFF
    target.chmod(0o644)
    target.write_bytes(bytes(data))
    monkeypatch.setenv("GRADER_MNIST_DIR", str(folder))
    with pytest.raises(MnistError, match="t10k-labels-idx1-ubyte.gz is corrupt"):
        load_mnist()


def test_missing_files_say_where_we_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_MNIST_DIR", str(tmp_path / "nowhere"))
    monkeypatch.setattr(datasets, "candidate_dirs", lambda: [tmp_path / "nowhere"])
    with pytest.raises(MnistError) as info:
        load_mnist()
    assert str(tmp_path / "nowhere") in str(info.value)
