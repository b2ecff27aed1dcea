import datetime as dt

from par_portal.months import add_months, first_day, last_day, next_month, previous_month


def test_month_arithmetic_across_years_and_leap_days():
    assert first_day(dt.date(2028, 2, 29)) == dt.date(2028, 2, 1)
    assert last_day(dt.date(2028, 2, 1)) == dt.date(2028, 2, 29)
    assert last_day(dt.date(2027, 2, 14)) == dt.date(2027, 2, 28)
    assert next_month(dt.date(2026, 12, 1)) == dt.date(2027, 1, 1)
    assert previous_month(dt.date(2027, 1, 1)) == dt.date(2026, 12, 1)
    assert add_months(dt.date(2026, 11, 1), -12) == dt.date(2025, 11, 1)
    assert add_months(dt.date(2026, 11, 1), 14) == dt.date(2028, 1, 1)
