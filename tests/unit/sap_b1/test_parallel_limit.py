"""How many requests a parallel read keeps in flight as SAP's answers come back."""

from __future__ import annotations

from kiosk.sap_b1.parallel_limit import ParallelLimit


def test_an_overload_halves_the_requests_and_calm_answers_bring_them_back_one_at_a_time():
    limit = ParallelLimit(8)
    limit.answered(0.2)
    limit.overloaded()
    assert limit.allowed == 4
    limit.overloaded()
    limit.overloaded()
    limit.overloaded()
    assert limit.allowed == 1 and limit.lowest == 1

    climbed = []
    for _ in range(1 + 2 + 3 + 4 + 5 + 6 + 7):  # as many calm answers as requests allowed
        limit.answered(0.2)
        climbed.append(limit.allowed)

    assert climbed[:6] == [2, 2, 3, 3, 3, 4]
    assert climbed[-1] == 8 == limit.most and climbed[-2] == 7


def test_an_answer_much_slower_than_the_fastest_takes_one_request_away():
    limit = ParallelLimit(4)
    limit.answered(0.2)
    limit.answered(0.9)  # slower, but under the floor of a second: SAP is not queueing
    assert limit.allowed == 4

    limit.answered(1.5)

    assert limit.allowed == 3


def test_a_setting_of_one_never_goes_parallel():
    limit = ParallelLimit(1)
    limit.overloaded()
    for _ in range(10):
        limit.answered(0.1)
    assert limit.allowed == 1
