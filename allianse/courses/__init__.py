"""The MBT-G course: meetings, day plan, participants, preparation, role play, scoring exercises, dossiers."""
