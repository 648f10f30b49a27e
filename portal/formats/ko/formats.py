"""Dates and times in Korean, one format per purpose, 오전/오후 before the time as Korean
writes it (Django's own put it after: "7:43 오전").

- DATE_FORMAT: a day in a sentence ("2026년 12월 7일").
- MONTH_DAY_FORMAT: a due date of this year, beside its weekday ("12월 7일").
- TIME_FORMAT: a time of today ("오전 7:43").
- DATETIME_FORMAT: a moment in a sentence or a list ("2026년 12월 7일 오전 7:43").
- SHORT_DATE_FORMAT: a day in a table cell or a chart ("2026. 12. 7.").
- SHORT_DATETIME_FORMAT: a moment in a table cell ("2026. 12. 7. 오전 7:43").

Input formats are Django's.
"""

DATE_FORMAT = "Y년 n월 j일"
YEAR_MONTH_FORMAT = "Y년 n월"
MONTH_DAY_FORMAT = "n월 j일"
TIME_FORMAT = "A g:i"
DATETIME_FORMAT = "Y년 n월 j일 A g:i"
SHORT_DATE_FORMAT = "Y. n. j."
SHORT_DATETIME_FORMAT = "Y. n. j. A g:i"
