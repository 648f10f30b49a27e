"""The seed lessons' slugs in one style: the five Basic lessons had Korean slugs and the
CKA ones English. Renaming them here, in place, keeps every learner's completions, quiz
attempts and reading positions on the same lessons, and lets `import_lessons` match the
renamed seed instead of creating copies."""

from django.db import migrations

RENAMED = {
    "쿠버네티스-오케스트레이션-실습": "kubernetes-orchestration-lab",
    "쿠버네티스-네트워크": "kubernetes-network",
    "쿠버네티스-보안": "kubernetes-security",
    "쿠버네티스-모니터링": "kubernetes-monitoring",
    "쿠버네티스-배포": "kubernetes-deployment",
}


def rename(apps, schema_editor, renamed=RENAMED):
    Lesson = apps.get_model("lessons", "Lesson")
    for old, new in renamed.items():
        if not Lesson.objects.filter(slug=new).exists():
            Lesson.objects.filter(slug=old).update(slug=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("lessons", "0007_rerender_for_scrollable_code")]

    operations = [migrations.RunPython(rename, rename_back)]
