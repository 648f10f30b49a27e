"""Render stored lesson bodies and quiz texts again: code blocks and tables now carry
tabindex="0", so that a keyboard can scroll them (rendering happens only at save)."""

from django.db import migrations

from lessons.kernel.rendering import render_inline, render_markdown


def render_again(apps, schema_editor):
    Lesson = apps.get_model("lessons", "Lesson")
    Question = apps.get_model("lessons", "Question")
    for lesson in Lesson.objects.only("id", "body").iterator(chunk_size=200):
        html = render_markdown(lesson.body).html
        Lesson.objects.filter(pk=lesson.pk).update(body_html=html)
    for question in Question.objects.only("id", "prompt", "explanation").iterator(chunk_size=500):
        Question.objects.filter(pk=question.pk).update(
            prompt_html=render_inline(question.prompt),
            explanation_html=render_inline(question.explanation) if question.explanation else "",
        )


class Migration(migrations.Migration):
    dependencies = [("lessons", "0006_feed_source")]

    operations = [migrations.RunPython(render_again, migrations.RunPython.noop)]
