"""One Swedish date format everywhere (remiss.dates)."""

from datetime import UTC, date, datetime

from django.utils import translation

from remiss import dates


def test_long_date_is_swedish_day_month_year():
    with translation.override("sv"):
        assert dates.long_date(date(2023, 4, 28)) == "28 april 2023"
    assert dates.long_date(None) == ""


def test_long_datetime_is_in_the_city_time_zone():
    with translation.override("sv"):
        # 09:15 UTC is 10:15 in Stockholm in winter.
        assert dates.long_datetime(datetime(2023, 3, 1, 9, 15, tzinfo=UTC)) == "1 mars 2023 kl. 10:15"


def test_swedish_date_does_not_depend_on_the_active_language():
    with translation.override("en"):
        assert dates.swedish_date(date(2023, 3, 21)) == "21 mars 2023"


def test_date_labels_formats_each_date_once_and_none_as_empty():
    label = dates.date_labels()
    with translation.override("sv"):
        assert label(date(2030, 3, 31)) == "31 mars 2030"
        assert label(None) == ""
