//! Times the checker on a long message: `cargo run --release -p followup-core --example check_prof -- KIB`.
use followup_core::check::{check, parse_message, Context};
use followup_core::model::MessageKind;

fn main() {
    let kib: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(256);
    let para = "Dear Priya,\n\nThank you for taking the time to speak with me today about the the role at Acme. I enjoyed learning about the billing rewrite and your team's plans!! Please let me know ASAP [Name] teh next steps.\n\nBest regards,\nSam\n\n";
    let shape = std::env::args().nth(2).unwrap_or_default();
    let unit: String = match shape.as_str() {
        "" => para.into(),
        s => s.replace("\\n", "\n"),
    };
    let mut text = String::from("Subject: Thank you\n\n");
    while text.len() < kib * 1024 {
        text.push_str(&unit);
    }
    let msg = parse_message(&text);
    let ctx = Context {
        kind: Some(MessageKind::ThankYou),
        company: Some("Acme"),
        recipient: Some("Priya"),
        ..Context::default()
    };
    // The server keeps the dictionary: parse it first, as a running server has.
    let _ = check(&parse_message("Thanks, Priya. Speling."), &ctx);
    let t = std::time::Instant::now();
    let found = check(&msg, &ctx);
    eprintln!("{} KiB: {} findings in {:?}", kib, found.len(), t.elapsed());
}
