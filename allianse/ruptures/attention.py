"""How urgent an item of the needs-attention list is: one table of ranks, most urgent first, for a
patient's signals and for a group member's alike (docs/methods.md#urgency).

An absence after a rupture and a rupture not repaired within the window come first: unrepaired
ruptures lead to dropout (Muran et al. 2009; McLaughlin et al. 2014). Then ruptures the data show,
then disagreements and what the patient held back (therapists notice few of the feelings patients
hold back: Regan & Hill 1992), then episodes whose alliance has recovered (to be closed), then open
episodes with nothing new.
"""

from __future__ import annotations

from allianse.core.signals import Kind
from allianse.core.signals.group import GroupKind

NOT_RECOVERED, CLOSE_SUGGESTED, QUIET = 0, 3, 4

URGENCY: dict[str, int] = {
    # A patient's signals.
    Kind.ABSENCE: 0,
    Kind.REPORTED: 1,
    Kind.DROP: 1,
    Kind.LOW: 1,
    Kind.DISCREPANCY: 2,
    Kind.HELD_BACK: 2,
    # A weak early alliance is a dropout risk the data show (Horvath & Symonds 1991).
    Kind.EARLY: 1,
    # A group member's signals: repeated absence (GroupKind.ABSENCE, the same key as Kind.ABSENCE)
    # ranks with an absence after a rupture, as a dropout risk; withdrawal from the group and
    # conflict in it rank with the ruptures the data show.
    GroupKind.WITHDRAWAL: 1,
    GroupKind.CONFLICT: 1,
}
