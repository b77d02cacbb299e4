"""Paper, when there is no device at all: printable packs (PDF, A4 or US Letter) and the pages where the facilitator
enters what was written on paper.

- ``pdf``: the shared page set-up (fonts, header and footer, text, tables, boxes to tick).
- ``signin``: the sign-in sheet, in exactly the columns the sheet import reads back.
- ``quiz_pack``: a quiz as a paper test with its answer sheet; ``scenario_pack``: a scenario's stages, evidence and
  an assessment grid per team.
- ``entries``: a participant's paper test entered and scored like an online attempt (``models.PaperTestEntry``).
"""
