from __future__ import annotations

from opsdesk.dynamo import metered_reads, record_items_read


def test_items_read_meters_nest_so_an_outer_meter_sees_inner_reads() -> None:
    with metered_reads() as outer:
        record_items_read(2)
        with metered_reads() as inner:
            record_items_read(5)

    assert (inner.items, outer.items) == (5, 7)


def test_reads_outside_any_meter_are_not_counted_anywhere() -> None:
    record_items_read(3)

    with metered_reads() as meter:
        pass

    assert meter.items == 0
