//! Showing times: stored in UTC, shown in Swedish time.

use chrono::{DateTime, Utc};

/// A UTC time as Swedish local time, `2026-11-25 21:48`.
///
/// The offset follows Swedish summer time (CEST from the last Sunday of March to the last Sunday of October, 01:00
/// UTC), which is what Europe/Stockholm observes; a time-zone database would add a dependency for this one rule.
pub fn local(t: DateTime<Utc>) -> String {
    swedish(t).format("%Y-%m-%d %H:%M").to_string()
}

/// Today's date in Sweden: what decides whether something is overdue.
pub fn today() -> chrono::NaiveDate {
    swedish(Utc::now()).date_naive()
}

/// A UTC time moved to Swedish local time (still typed as UTC, for formatting).
fn swedish(t: DateTime<Utc>) -> DateTime<Utc> {
    let offset_hours = if is_swedish_summer_time(t) { 2 } else { 1 };
    t + chrono::Duration::hours(offset_hours)
}

fn is_swedish_summer_time(t: DateTime<Utc>) -> bool {
    use chrono::{Datelike, NaiveDate, Weekday};
    let last_sunday = |month: u32| {
        let mut day = NaiveDate::from_ymd_opt(t.year(), month, 31).unwrap_or_default();
        while day.weekday() != Weekday::Sun {
            day = day.pred_opt().unwrap_or(day);
        }
        day.and_hms_opt(1, 0, 0).unwrap_or_default().and_utc()
    };
    t >= last_sunday(3) && t < last_sunday(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().expect("a time")
    }

    #[test]
    fn winter_and_summer_time() {
        assert_eq!(local(utc("2026-11-25T20:48:00Z")), "2026-11-25 21:48");
        assert_eq!(local(utc("2026-07-01T12:00:00Z")), "2026-07-01 14:00");
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(local(utc("2026-03-29T00:59:00Z")), "2026-03-29 01:59");
        assert_eq!(local(utc("2026-03-29T01:00:00Z")), "2026-03-29 03:00");
        assert_eq!(local(utc("2026-10-25T00:59:00Z")), "2026-10-25 02:59");
        assert_eq!(local(utc("2026-10-25T01:00:00Z")), "2026-10-25 02:00");
    }
}
