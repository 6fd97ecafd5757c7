"""Warning levels: defaults, overrides from JSON/TOML, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.errors import InputFileError, OptionError
from geo.rain.levels import DEFAULT_LEVELS, LEVEL_CODES, get_level, levels_table, load_levels


class TestDefaults:
    def test_four_levels_in_order(self) -> None:
        assert tuple(DEFAULT_LEVELS) == LEVEL_CODES == ("blue", "yellow", "orange", "red")

    def test_red_lists_everything(self) -> None:
        red = DEFAULT_LEVELS["red"]
        assert red.grates == "all" and red.basements and red.units and red.flying_wires == "all"
        assert red.vulnerable_min_elderly == 1

    def test_levels_grow_monotonically(self) -> None:
        order = {"problem": 0, "near_flooding": 1, "all": 2}
        scopes = [order[DEFAULT_LEVELS[c].grates] for c in LEVEL_CODES]
        assert scopes == sorted(scopes)

    @pytest.mark.parametrize(("given", "code"), [("red", "red"), ("RED", "red"), ("黄", "yellow"), ("橙色", "orange")])
    def test_get_level_accepts_chinese(self, given: str, code: str) -> None:
        assert get_level(given).code == code

    def test_unknown_level_names_the_allowed_set(self) -> None:
        with pytest.raises(OptionError, match="purple") as err:
            get_level("purple")
        assert "blue" in err.value.hint

    @pytest.mark.parametrize("lang", ["zh", "en"])
    def test_table_shown_to_users(self, lang: str) -> None:
        table = levels_table(lang=lang)
        assert len(table) == 4
        assert table.iloc[3, 0] == ("暴雨红色预警" if lang == "zh" else "Red rainstorm warning")


class TestOverrides:
    def test_json_override_keeps_other_fields(self, tmp_path: Path) -> None:
        path = tmp_path / "levels.json"
        path.write_text(json.dumps({"levels": {"yellow": {"grates": "all", "vulnerable_min_elderly": 1}}}))
        levels = load_levels(path)
        assert levels["yellow"].grates == "all" and levels["yellow"].vulnerable_min_elderly == 1
        assert levels["yellow"].basements is True  # default kept
        assert levels["blue"] == DEFAULT_LEVELS["blue"]

    def test_toml_override(self, tmp_path: Path) -> None:
        path = tmp_path / "levels.toml"
        path.write_text('[levels.blue]\nbasements = true\nnear_flooding_m = 150\n', encoding="utf-8")
        levels = load_levels(path)
        assert levels["blue"].basements is True and levels["blue"].near_flooding_m == 150

    def test_none_gives_defaults(self) -> None:
        assert load_levels(None) == DEFAULT_LEVELS

    @pytest.mark.parametrize(
        ("body", "needle"),
        [
            ({"levels": {"yellow": {"grates": "some"}}}, "grates"),
            ({"levels": {"yellow": {"colour": "x"}}}, "unknown field"),
            ({"levels": {"yellow": {"basements": "yes"}}}, "true or false"),
            ({"levels": {"violet": {}}}, "violet"),
        ],
    )
    def test_bad_values_are_reported(self, tmp_path: Path, body: dict[str, object], needle: str) -> None:
        path = tmp_path / "levels.json"
        path.write_text(json.dumps(body))
        with pytest.raises(OptionError, match=needle):
            load_levels(path)

    def test_broken_file(self, tmp_path: Path) -> None:
        path = tmp_path / "levels.toml"
        path.write_text("[levels.yellow\n")
        with pytest.raises(InputFileError, match="cannot be read"):
            load_levels(path)

    def test_missing_and_wrong_suffix(self, tmp_path: Path) -> None:
        with pytest.raises(InputFileError, match="does not exist"):
            load_levels(tmp_path / "nope.json")
        other = tmp_path / "levels.yaml"
        other.write_text("x: 1")
        with pytest.raises(InputFileError, match="json nor .toml"):
            load_levels(other)
