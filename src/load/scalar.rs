//! Plain scalars read by the YAML 1.2 core schema: null, `true`/`false` (strictly), integers,
//! floats; anything else is text. Quoted and block scalars never come here: they are text.

/// A plain scalar read by the YAML 1.2 core schema.
pub enum Resolved<'t> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(&'t str),
}

pub fn resolve(text: &str) -> Resolved<'_> {
    // Most plain scalars are words: only these first bytes can start anything but text.
    let maybe_not_text = |b: &u8| {
        matches!(
            b,
            b'0'..=b'9' | b'-' | b'+' | b'.' | b'~' | b'n' | b'N' | b't' | b'f'
        )
    };
    if text.as_bytes().first().is_some_and(|b| !maybe_not_text(b)) {
        return Resolved::Text(text);
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "true" => return Resolved::Bool(true),
        "false" => return Resolved::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        _ => {}
    }
    if let Some(int) = resolve_int(text) {
        return int;
    }
    if is_core_float(text)
        && let Ok(f) = text.parse::<f64>()
    {
        return Resolved::Float(f);
    }
    Resolved::Text(text)
}

fn resolve_int(text: &str) -> Option<Resolved<'_>> {
    let radix = |prefix: &str, radix: u32| {
        let digits = text.strip_prefix(prefix)?;
        u64::from_str_radix(digits, radix)
            .ok()
            .map(Resolved::Unsigned)
    };
    if text.starts_with("0x") {
        return radix("0x", 16);
    }
    if text.starts_with("0o") {
        return radix("0o", 8);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if text.starts_with('-') {
        text.parse().ok().map(Resolved::Signed)
    } else {
        digits.parse().ok().map(Resolved::Unsigned)
    }
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, which Rust's parser does not check.
fn is_core_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty())
        }
        None => !mantissa.is_empty() && digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}
