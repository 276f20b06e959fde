//! Tests of the calendar (rule T8).

use super::*;
use jiff::civil::date;
use proptest::prelude::*;

fn region(code: &str) -> Region {
    code.parse().unwrap()
}

#[test]
fn us_thanksgiving_2026() {
    let us = region("US");
    assert_eq!(us.holiday(date(2026, 11, 26)), Some("Thanksgiving Day"));
    assert_eq!(us.holiday(date(2026, 11, 25)), None);
    assert!(!is_business_day(date(2026, 11, 26), Some(&us)));
    assert!(is_business_day(date(2026, 11, 26), None));
}

#[test]
fn us_observed_christmas_2021() {
    let us = region("US");
    assert_eq!(
        us.holiday(date(2021, 12, 24)),
        Some("Christmas Day (observed)")
    );
    assert_eq!(us.holiday(date(2021, 12, 25)), Some("Christmas Day"));
    // New Year's Day 2022 was a Saturday; the Friday before is observed.
    assert_eq!(
        us.holiday(date(2021, 12, 31)),
        Some("New Year's Day (observed)")
    );
}

#[test]
fn scotland_has_its_own_days() {
    let sct = region("GB-SCT");
    let eng = region("GB-ENG");
    assert_eq!(sct.holiday(date(2026, 1, 2)), Some("New Year Holiday"));
    assert_eq!(eng.holiday(date(2026, 1, 2)), None);
    assert_eq!(sct.holiday(date(2026, 11, 30)), Some("Saint Andrew's Day"));
    // 30 November 2025 was a Sunday.
    assert_eq!(
        sct.holiday(date(2025, 12, 1)),
        Some("Saint Andrew's Day (observed)")
    );
    assert_eq!(eng.holiday(date(2025, 12, 1)), None);
    // Both have Christmas.
    assert_eq!(sct.holiday(date(2026, 12, 25)), Some("Christmas Day"));
    assert_eq!(eng.holiday(date(2026, 12, 25)), Some("Christmas Day"));
}

#[test]
fn bavaria_has_epiphany_berlin_not() {
    let by = region("DE-BY");
    let be = region("DE-BE");
    assert_eq!(by.holiday(date(2026, 1, 6)), Some("Epiphany"));
    assert_eq!(be.holiday(date(2026, 1, 6)), None);
    assert_eq!(be.holiday(date(2026, 3, 8)), Some("Women's Day"));
    assert_eq!(region("DE").holiday(date(2026, 3, 8)), None);
}

#[test]
fn japan_substitute_holiday() {
    let jp = region("JP");
    // The Emperor's Birthday, 23 February 2025, was a Sunday.
    assert_eq!(jp.holiday(date(2025, 2, 23)), Some("Emperor's Birthday"));
    assert_eq!(jp.holiday(date(2025, 2, 24)), Some("Substitute Holiday"));
}

#[test]
fn business_days_skip_a_holiday_weekend() {
    let us = region("US");
    // Wednesday before Thanksgiving 2026 + 1 business day: Thursday is Thanksgiving,
    // so Friday.
    assert_eq!(
        add_business_days(date(2026, 11, 25), 1, Some(&us)),
        date(2026, 11, 27)
    );
    // Friday 2021-12-17 + 5: 20, 21, 22, 23 (Mon-Thu), 24 is observed Christmas,
    // then the weekend, then Monday 27.
    assert_eq!(
        add_business_days(date(2021, 12, 17), 5, Some(&us)),
        date(2021, 12, 27)
    );
    assert_eq!(
        add_business_days(date(2021, 12, 17), 5, None),
        date(2021, 12, 24)
    );
    // GB: Good Friday to Easter Monday 2026.
    let gb = region("GB-ENG");
    assert_eq!(
        add_business_days(date(2026, 4, 2), 1, Some(&gb)),
        date(2026, 4, 7)
    );
    assert_eq!(
        next_business_day(date(2026, 4, 3), Some(&gb)),
        date(2026, 4, 7)
    );
    assert_eq!(
        add_business_days(date(2026, 4, 4), 0, Some(&gb)),
        date(2026, 4, 4)
    );
}

#[test]
fn codes_parse_case_insensitively() {
    for (input, code) in [
        ("us-ca", "US-CA"),
        ("GB-SCT", "GB-SCT"),
        (" de-by ", "DE-BY"),
        ("gb_nir", "GB-NIR"),
        ("jp", "JP"),
    ] {
        assert_eq!(region(input).code(), code);
    }
    assert_eq!(region("us-ca"), region("US-CA"));
    assert_eq!(region("US-CA").name(), "California, United States");
    assert_eq!(region("US-CA").to_string(), "US-CA");
    for bad in ["", "XX", "US-", "US-ZZ", "DE-Augsburg", "USA"] {
        let err = bad.parse::<Region>().unwrap_err();
        assert_eq!(err.0, bad);
        let msg = err.to_string();
        assert!(msg.contains("US-CA") && msg.contains("supported"), "{msg}");
    }
}

#[test]
fn supported_covers_the_required_regions() {
    let codes: Vec<&str> = Region::supported().collect();
    for code in [
        "US", "US-CA", "US-NY", "US-DC", "US-PR", "GB", "GB-ENG", "GB-WLS", "GB-SCT", "GB-NIR",
        "CA", "CA-ON", "CA-QC", "DE", "DE-BY", "DE-BE", "AU", "AU-NSW", "AU-VIC", "FR", "NL", "IE",
        "ES", "ES-CT", "ES-MD", "IT", "IN", "NZ", "SG", "JP", "BR", "BR-SP",
    ] {
        assert!(codes.contains(&code), "{code} missing");
    }
    for code in &codes {
        let r = region(code);
        assert_eq!(r.code(), *code);
        assert!(!r.name().is_empty());
    }
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), codes.len(), "duplicate codes");
}

#[test]
fn coverage_years() {
    let us = region("US");
    assert!(us.covers(2000) && us.covers(2026) && us.covers(2060));
    assert!(!us.covers(1999) && !us.covers(2061));
    assert_eq!(us.holiday(date(1999, 12, 25)), None);
    assert_eq!(us.holiday(date(2061, 12, 25)), None);
    assert_eq!(us.holidays_in(2061), []);
    let list = us.holidays_in(2026);
    assert_eq!(list.first(), Some(&(date(2026, 1, 1), "New Year's Day")));
    assert!(list.windows(2).all(|w| w[0].0 < w[1].0));
    for (d, name) in list {
        assert_eq!(us.holiday(d), Some(name));
    }
}

#[test]
fn custom_regions() {
    let r = Region::custom(
        "Acme",
        vec![
            (date(2027, 3, 1), "Founders' Day".into()),
            (date(2026, 12, 24), "Office closed".into()),
            (date(2027, 3, 1), "Spring break".into()),
            (date(2027, 3, 1), "Founders' Day".into()),
        ],
    );
    assert_eq!(r.code(), "Acme");
    assert_eq!(r.name(), "Acme");
    assert_eq!(
        r.holiday(date(2027, 3, 1)),
        Some("Founders' Day; Spring break")
    );
    assert_eq!(r.holiday(date(2026, 12, 24)), Some("Office closed"));
    assert_eq!(r.holiday(date(2026, 12, 25)), None);
    assert!(r.covers(2026) && r.covers(2027) && !r.covers(2028));
    assert_eq!(r.holidays_in(2026), [(date(2026, 12, 24), "Office closed")]);
    assert_eq!(
        add_business_days(date(2026, 12, 23), 1, Some(&r)),
        date(2026, 12, 25)
    );
    assert_eq!(r.clone(), r);
    assert_ne!(r, region("US"));
    assert!(format!("{r:?}").contains("Acme"));

    let empty = Region::custom("none", Vec::new());
    assert!(!empty.covers(2026));
    assert_eq!(
        add_business_days(date(2026, 1, 2), 1, Some(&empty)),
        date(2026, 1, 5)
    );
}

#[test]
fn closure_days_on_top_of_a_region_keep_its_holidays() {
    // Acme closes the Friday after Thanksgiving 2026; New York keeps Thanksgiving
    // (Thursday Nov 26) and Christmas.
    let ny = region("US-NY");
    let acme = Region::custom_over(
        "acme",
        vec![
            (date(2026, 11, 27), "Acme closure".into()),
            (date(2026, 12, 25), "Acme holiday party".into()),
        ],
        &ny,
    );
    assert_eq!(acme.code(), "acme");
    assert_eq!(acme.base(), Some("US-NY"));
    assert_eq!(Region::custom("acme", Vec::new()).base(), None);
    assert_eq!(acme.holiday(date(2026, 11, 26)), Some("Thanksgiving Day"));
    assert_eq!(acme.holiday(date(2026, 11, 27)), Some("Acme closure"));
    assert_eq!(
        acme.holiday(date(2026, 12, 25)),
        Some("Acme holiday party; Christmas Day")
    );
    // From Wednesday Nov 25, one business day: not Thanksgiving, not the closure, not
    // the weekend: Monday Nov 30.
    assert_eq!(
        add_business_days(date(2026, 11, 25), 1, Some(&acme)),
        date(2026, 11, 30)
    );
    assert_eq!(
        add_business_days(date(2026, 11, 25), 1, Some(&ny)),
        date(2026, 11, 27)
    );
    // Every holiday of the region is one of the layered calendar, every year it covers.
    for year in 2000..=2060 {
        for (d, _) in ny.holidays_in(year) {
            assert!(acme.holiday(d).is_some(), "{d}");
        }
    }
    assert!(acme.covers(2000) && acme.covers(2060) && !acme.covers(2061));
}

#[test]
fn ends_of_the_date_range_do_not_panic() {
    let us = region("US");
    let last = Date::MAX; // 9999-12-31, a Friday
    for r in [None, Some(&us)] {
        assert_eq!(add_business_days(last, 1, r), Date::MAX);
        assert_eq!(add_business_days(last, u32::MAX, r), Date::MAX);
        assert_eq!(add_business_days(date(9999, 12, 30), 5, r), Date::MAX);
        assert_eq!(next_business_day(last, r), last);
        assert_eq!(
            add_business_days(Date::MIN, 1, r),
            next_business_day(Date::MIN.tomorrow().unwrap(), r)
        );
        let _ = add_business_days(Date::MIN, u32::MAX, r);
        let _ = next_business_day(Date::MIN, r);
    }
    // A custom calendar whose every day up to the end is a holiday.
    let all: Vec<(Date, String)> = date(9999, 12, 1)
        .series(jiff::Span::new().days(1))
        .take(31)
        .map(|d| (d, "closed".to_owned()))
        .collect();
    let closed = Region::custom("closed", all);
    assert_eq!(
        next_business_day(date(9999, 12, 1), Some(&closed)),
        Date::MAX
    );
    assert_eq!(
        add_business_days(date(9999, 11, 30), 1, Some(&closed)),
        Date::MAX
    );
}

/// Business days in `(from, to]`, counted one by one.
fn count_business_days(from: Date, to: Date, region: Option<&Region>) -> u32 {
    from.series(jiff::Span::new().days(1))
        .skip(1)
        .take_while(|d| *d <= to)
        .filter(|d| is_business_day(*d, region))
        .map(|_| 1)
        .sum()
}

fn any_date() -> impl Strategy<Value = Date> {
    // 1995..2065 spans the data's edges; days up to 28 are valid in every month.
    (1995i16..2066, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d))
}

fn any_region() -> impl Strategy<Value = Option<Region>> {
    let codes: Vec<&'static str> = Region::supported().collect();
    prop_oneof![
        Just(None),
        proptest::sample::select(codes).prop_map(|c| Some(region(c))),
    ]
}

proptest! {
    #[test]
    fn result_is_a_business_day(d in any_date(), n in 1u32..40, r in any_region()) {
        let out = add_business_days(d, n, r.as_ref());
        prop_assert!(out > d);
        prop_assert!(is_business_day(out, r.as_ref()));
    }

    #[test]
    fn monotone_in_n(d in any_date(), n in 0u32..40, r in any_region()) {
        let a = add_business_days(d, n, r.as_ref());
        let b = add_business_days(d, n + 1, r.as_ref());
        prop_assert!(a < b);
        prop_assert_eq!(add_business_days(a, 1, r.as_ref()), b);
    }

    #[test]
    fn counts_exactly_n(d in any_date(), n in 0u32..40, r in any_region()) {
        let out = add_business_days(d, n, r.as_ref());
        prop_assert_eq!(count_business_days(d, out, r.as_ref()), n);
    }

    #[test]
    fn next_business_day_is_the_first(d in any_date(), r in any_region()) {
        let out = next_business_day(d, r.as_ref());
        prop_assert!(out >= d);
        prop_assert!(is_business_day(out, r.as_ref()));
        prop_assert_eq!(count_business_days(d, out.yesterday().unwrap(), r.as_ref()), 0);
        if is_business_day(d, r.as_ref()) {
            prop_assert_eq!(out, d);
        }
    }

    #[test]
    fn weekday_arithmetic_matches_counting(d in any_date(), n in 0u32..400) {
        // Without a region the shortcut is used from the start.
        let out = add_business_days(d, n, None);
        prop_assert_eq!(count_business_days(d, out, None), n);
        prop_assert!(n == 0 || !is_weekend(out));
    }

    #[test]
    fn any_date_at_all_is_safe(offset in 0i64..7_304_485, n in any::<u32>(), r in any_region()) {
        let d = Date::MIN
            .checked_add(jiff::Span::new().days(offset))
            .unwrap_or(Date::MAX);
        let _ = r.as_ref().map(|r| r.holiday(d));
        let _ = next_business_day(d, r.as_ref());
        let _ = add_business_days(d, n % 1000, r.as_ref());
        let _ = add_business_days(d, n, None);
    }
}
