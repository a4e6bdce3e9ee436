"""Payment references: the kiosk's number and its sequence in the body, check digits intact."""

from __future__ import annotations

import pytest

from kiosk.domain.errors import InvalidValue
from kiosk.domain.payment_reference import (
    is_valid_reference,
    kiosk_sequence,
    make_reference,
    reference_prefix,
)


def test_the_body_is_the_kiosk_number_then_its_sequence():
    reference = make_reference(7, 195)

    assert reference == "0700019513"
    assert reference.startswith(reference_prefix(7)) and reference[2:8] == "000195"
    assert is_valid_reference(reference)


def test_two_kiosks_never_hand_out_the_same_reference_for_the_same_sequence():
    first, second = make_reference(1, 1), make_reference(2, 1)

    assert (first, second) == ("0100000114", "0200000130")
    assert is_valid_reference(first) and is_valid_reference(second)


def test_the_sequence_is_read_back_only_for_its_own_kiosk():
    reference = make_reference(7, 195)

    assert kiosk_sequence(reference, 7) == 195
    assert kiosk_sequence("07 0001 9513", 7) == 195
    assert kiosk_sequence(reference, 8) is None
    assert kiosk_sequence(reference[:-1] + "0", 7) is None  # wrong check digit
    assert kiosk_sequence("SPEI-0700019513", 7) is None


def test_the_last_sequence_is_999999_and_the_next_is_refused_clearly():
    assert is_valid_reference(make_reference(99, 999_999))

    with pytest.raises(InvalidValue, match=r"1000000 of kiosk 03 .*1 to 999,999"):
        make_reference(3, 1_000_000)
    with pytest.raises(InvalidValue, match="out of range"):
        make_reference(3, 0)


@pytest.mark.parametrize("kiosk_number", [0, 100, -1])
def test_a_kiosk_number_outside_1_to_99_is_refused(kiosk_number):
    with pytest.raises(InvalidValue, match=f"kiosk number {kiosk_number} is out of range"):
        make_reference(kiosk_number, 1)
