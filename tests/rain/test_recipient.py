"""A copy for a recipient (``--for ROLE``): never more open than what its maker sees."""

from __future__ import annotations

import pytest

from geo import privacy
from geo.access import AccessError, User, operator
from geo.errors import OptionError
from geo.rain._shared import recipient

GRIDS = {"G1": "桂苑社区", "G2": "桂苑社区", "G3": "绿园社区"}
WORKER = User(name="w", role="grid_worker", grids=frozenset({"G1"}))
STAFF = User(name="s", role="staff", communities=frozenset({"桂苑社区"}))
VIEWER = User(name="v", role="viewer")


def _full(user: User) -> set[str]:
    return {g for g, c in GRIDS.items() if privacy.visibility(user, g, c).names}


def test_the_local_operator_makes_any_copy() -> None:
    assert _full(recipient(operator(), "admin", GRIDS)) == set(GRIDS)
    assert _full(recipient(operator(), "staff", GRIDS)) == set(GRIDS)
    assert _full(recipient(operator(), "staff", GRIDS, ["G3"])) == {"G3"}
    assert _full(recipient(operator(), "grid_worker", GRIDS, ["G2"])) == {"G2"}
    assert _full(recipient(operator(), "viewer", GRIDS)) == _full(recipient(operator(), "party", GRIDS)) == set()


def test_a_copy_shows_at_most_what_its_maker_sees() -> None:
    assert _full(recipient(WORKER, "grid_worker", GRIDS)) == {"G1"}
    assert _full(recipient(WORKER, "grid_worker", GRIDS, ["G1", "G2"])) == {"G1"}
    assert _full(recipient(WORKER, "staff", GRIDS)) == {"G1"}
    assert _full(recipient(STAFF, "grid_worker", GRIDS)) == {"G1", "G2"}
    assert _full(recipient(STAFF, "grid_worker", GRIDS, ["G3"])) == set()
    assert _full(recipient(VIEWER, "party", GRIDS)) == set()
    copy = recipient(WORKER, "grid_worker", GRIDS)
    assert privacy.made_for(copy, "zh") == "制作对象：网格员 G1（本人负责范围外的姓名和电话已遮蔽）"


@pytest.mark.parametrize(("maker", "role"), [(WORKER, "admin"), (STAFF, "admin"), (VIEWER, "grid_worker"),
                                             (VIEWER, "staff"), (User(name="p", role="party", party="x"), "admin")])
def test_a_more_open_copy_is_refused(maker: User, role: str) -> None:
    with pytest.raises(AccessError) as err:
        recipient(maker, role, GRIDS)
    message, hint = err.value.localized("zh")
    assert maker.name in message and role in message and "viewer" in hint


def test_an_unknown_role_names_the_roles() -> None:
    with pytest.raises(OptionError) as err:
        recipient(operator(), "volunteer", GRIDS)
    message, hint = err.value.localized("en")
    assert "volunteer" in message and "grid_worker" in hint
