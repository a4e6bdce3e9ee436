"""Where a first download read in out-of-order windows stands, and what is left to read."""

from __future__ import annotations

from kiosk.services.download_position import DownloadPosition


def test_windows_stored_out_of_order_fold_into_the_run_once_the_gap_is_filled():
    position = DownloadPosition(None)
    position.add((101, 150))
    position.add((51, 100))
    assert (position.last_key, position.stored_windows) == (0, ((51, 150),))

    position.add((1, 50))

    assert (position.last_key, position.stored_windows) == (150, ())


def test_the_gaps_skip_every_window_already_stored():
    position = DownloadPosition(100, ((201, 250), (301, 400)))

    assert position.gaps(500) == [(101, 200), (251, 300), (401, 500)]
    assert position.gaps(260) == [(101, 200), (251, 260)]
    assert position.gaps(100) == []


def test_a_resumed_position_reads_its_stored_windows_back_merged():
    position = DownloadPosition(50, ((151, 200), (101, 150), (51, 60)))

    assert (position.last_key, position.stored_windows) == (60, ((101, 200),))


def test_pages_read_in_order_advance_the_run_past_stored_windows():
    position = DownloadPosition(0, ((51, 80),))
    position.advance_to(60)
    assert (position.last_key, position.stored_windows) == (80, ())
    position.advance_to(70)  # behind the run: nothing changes
    assert position.last_key == 80
