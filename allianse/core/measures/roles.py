"""The roles the product looks items and scores up by (docs/instrument-format.md, "Roles").

Code names a role through these constants, never by an item or score id.
"""

# Scores
ALLIANCE = "alliance"  # the alliance total of an alliance check
SUBSCALE = "subscale"  # the subscales of the alliance total, in the order charts show them
CLIMATE = "climate"  # the group-climate scores shown on the group pages, in order
COHESION = "cohesion"  # the group-climate score the member signals and trajectory follow
CONFLICT = "conflict"  # the group-climate score the group conflict signals follow
OUTCOME = "outcome"  # the score of a session-by-session outcome measure (how the patient has been)
FACTOR_PROFILE = "factor_profile"  # the score whose items are the therapeutic factors profiled

# Items
RUPTURE = "rupture"  # yes/no: a rupture (tension, misunderstanding) occurred in the session
RUPTURE_INTENSITY = "rupture_intensity"  # scale: how strong it was
RUPTURE_RESOLUTION = "rupture_resolution"  # scale: how far it was resolved in the session
HELD_BACK = "held_back"  # yes/no: the patient held something back
COMMENT = "comment"  # text: what else the patient wants the therapist to know
RUPTURE_KIND = "rupture_kind"  # choice: the therapist's view of the kind of rupture
WITHDRAWAL_MARKERS = "withdrawal_markers"  # multi_choice: withdrawal markers seen
CONFRONTATION_MARKERS = "confrontation_markers"  # multi_choice: confrontation markers seen
