//! The mixed set of interviews the `plan` bench and the `plan_count` example plan.

use followup_core::calendar::Region;
use followup_core::model::{Channel, CompanyType, Round, Seniority};
use followup_core::plan::{Interview, Recipient};
use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, ToSpan};

/// 256 interviews in four zones and regions, with every company type, seniority and
/// round, some urgent, some by phone, half with a decision date.
pub fn mixed() -> Vec<(Interview, Recipient)> {
    let zones = [
        "America/New_York",
        "Europe/London",
        "Europe/Berlin",
        "Asia/Tokyo",
    ];
    let regions = ["US-NY", "GB-ENG", "DE-BY", "JP"];
    (0..256)
        .map(|n: i64| {
            let tz = TimeZone::get(zones[n as usize % 4]).unwrap();
            let day = date(2026, 1, 5).checked_add((n * 3).days()).unwrap();
            let start = day
                .at(9 + (n % 8) as i8, 0, 0, 0)
                .to_zoned(tz.clone())
                .unwrap();
            let mut i = Interview::new(start);
            i.duration = SignedDuration::from_mins(30 + 15 * (n % 4));
            i.company_type = Some(CompanyType::ALL[n as usize % CompanyType::ALL.len()]);
            i.seniority = Some(Seniority::ALL[n as usize % Seniority::ALL.len()]);
            i.round = Some(Round::ALL[n as usize % Round::ALL.len()]);
            i.urgent = n % 5 == 0;
            i.channel = if n % 7 == 0 {
                Channel::Phone
            } else {
                Channel::Email
            };
            if n % 2 == 0 {
                i.decision_by = Some(day.checked_add((7 + n % 14).days()).unwrap());
            }
            let mut r = Recipient::new(tz);
            r.region = Some(regions[n as usize % 4].parse::<Region>().unwrap());
            (i, r)
        })
        .collect()
}
