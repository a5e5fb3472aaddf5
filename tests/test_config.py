"""Typed --set parsing, presets and config round trips."""

from __future__ import annotations

import dataclasses

import pytest

from keras_classics import config
from keras_classics.errors import UserError

pytestmark = pytest.mark.backend_free  # numpy and files only: run in the jax pass


@dataclasses.dataclass(frozen=True)
class Toy(config.BaseConfig):
    rate: float = 0.5
    name: str = "a"
    flag: bool = False
    sizes: tuple[int, ...] = (1, 2)
    limit: int | None = None


PRESETS = {"tiny": {"epochs": 2, "rate": 0.1}}


def test_defaults_preset_set_and_seed_apply_in_order():
    cfg = config.resolve(Toy, PRESETS, "tiny", ["rate=0.25", "flag=yes", "sizes=3,4,5"], seed=7)
    assert (cfg.epochs, cfg.rate, cfg.flag, cfg.sizes, cfg.seed) == (2, 0.25, True, (3, 4, 5), 7)
    assert config.resolve(Toy, PRESETS).rate == 0.5


def test_optional_values_accept_none_and_numbers():
    assert config.resolve(Toy, {}, None, ["limit=none"]).limit is None
    assert config.resolve(Toy, {}, None, ["limit=12"]).limit == 12


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("rate=fast", "expected a number"),
        ("epochs=1.5", "expected an integer"),
        ("flag=maybe", "expected true or false"),
        ("colour=red", "unknown key"),
        ("noequals", "expected key=value"),
        ("epochs=0", "epochs must be at least 1"),
    ],
)
def test_bad_overrides_are_one_line_user_errors(item, message):
    with pytest.raises(UserError, match=message) as caught:
        config.resolve(Toy, PRESETS, None, [item])
    assert "\n" not in str(caught.value)


def test_unknown_preset_lists_the_known_ones():
    with pytest.raises(UserError, match="this example has: tiny"):
        config.resolve(Toy, PRESETS, "huge")


def test_round_trip_through_json_dict():
    cfg = config.resolve(Toy, PRESETS, "tiny", ["sizes=8,9"])
    assert config.from_dict(Toy, config.to_dict(cfg)) == cfg
