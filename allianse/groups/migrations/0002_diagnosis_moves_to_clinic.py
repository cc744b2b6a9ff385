# A patient's diagnoses belong to the patient (clinic). The table is renamed, not rebuilt, so
# recorded diagnoses are kept; clinic's 0002 takes the model over in the state.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="diagnosis", table="clinic_diagnosis"),
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Diagnosis")]),
    ]
