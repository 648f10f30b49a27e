"""Mail that brings learners back, sent by the task queue (never inside a request).

The public API, for other features of the portal:

- `mail.enqueue_mail(user, kind, key, subject=..., text=..., html=...)` queues one mail
  to `user` and returns its `SentMail` row, or None when a mail of that kind and key was
  already queued or sent to them (the unique row is the de-duplication: call it as often
  as you like). The worker sends it through Django's mail API with the portal's headers
  (RFC 8058 one-click unsubscribe for `kind`, a stable Message-ID) and retries a failed
  send up to MAIL_MAX_ATTEMPTS times. `mail.render_mail(name, context, user, kind)`
  renders `templates/notifications/mail/NAME.{subject,txt,html}` in the person's language
  with the footer's links; pass its result to `enqueue_mail`.
- `nudges.do_nudge(instructor, learner, group)` sends a learner a short nudge from an
  instructor of their group: at most one per learner a day (raises `NudgeRefused` with
  the reason otherwise), recorded as a `Nudge` that `nudges.nudges_for(learner, group)`
  lists (newest first) for the learner's drill-down. `nudges.nudge_many(instructor,
  learners, group)` nudges many at once (those nudged today or taking no nudges left
  out) with a fixed number of queries; the worker writes and sends the mails.
- `preferences.for_user(user)` is a person's effective choices (reminders on or off,
  hour, days, time zone, language, digest), defaults filled in.
- `schedule.enqueue_due(at)` is what `manage.py send_reminders` runs: it claims one row
  per learner who is due a reminder (or an instructor due a digest) at `at` and enqueues
  the claimed rows in batches.

The streak (days in a row with something done) is `lessons.progress.streak.streak_days`.
"""
