//! A Prometheus answer judged: the instant query's JSON read into samples, Prometheus' own error
//! passed on as the check's error, and `result`, `value` and `labels` checked against the
//! samples. Failures name the samples that broke the expectation, the way a responder reads them
//! in Prometheus (`http_requests_total{code="500"} 0.2`).

use serde_json::Value;

use super::Failure;
use super::expect::{compare, describe_compare, failure};
use super::http::HttpResponse;
use crate::compile::expect::CompiledExpect;
use crate::compile::template::Template;
use crate::model::ResultExpect;

/// How many samples a failure lists.
const SHOWN: usize = 3;

/// One sample of the answer.
#[derive(Debug, PartialEq)]
struct Sample {
    /// The metric's labels, `__name__` included, in the order Prometheus sent them.
    labels: Vec<(String, String)>,
    /// The value as Prometheus wrote it (`"0.42"`, `"NaN"`, `"+Inf"`).
    text: String,
}

impl Sample {
    fn value(&self) -> Option<f64> {
        self.text.trim().parse::<f64>().ok()
    }

    fn has(&self, name: &str, value: &str) -> bool {
        self.labels.iter().any(|(n, v)| n == name && v == value)
    }

    /// `name{a="b"} 0.2`, as Prometheus' console shows it.
    fn show(&self) -> String {
        let name = self
            .labels
            .iter()
            .find(|(n, _)| n == "__name__")
            .map_or("", |(_, v)| v.as_str());
        let labels: Vec<String> = self
            .labels
            .iter()
            .filter(|(n, _)| n != "__name__")
            .map(|(n, v)| format!("{n}={}", serde_json::Value::from(v.as_str())))
            .collect();
        let set = if labels.is_empty() && !name.is_empty() {
            String::new()
        } else {
            format!("{{{}}}", labels.join(", "))
        };
        format!("{name}{set} {}", self.text)
    }
}

/// The failures of the query's expectations, or `Err` with Prometheus' message when there is
/// no answer to judge.
pub fn evaluate(
    response: &HttpResponse,
    expect: Option<&CompiledExpect>,
    substitute: &dyn Fn(&Template) -> String,
    time_ms: u64,
) -> Result<Vec<Failure>, String> {
    let samples = samples(response)?;
    let Some(expect) = expect else {
        return Ok(Vec::new());
    };
    let mut failures = Vec::new();
    failures.extend(result(expect.result, &samples));
    if let Some(want) = &expect.value {
        failures.extend(value(want, &samples));
    }
    if !expect.labels.is_empty() {
        let wanted: Vec<(String, String)> = expect
            .labels
            .iter()
            .map(|(name, v)| (name.clone(), substitute(v)))
            .collect();
        failures.extend(labels(&wanted, &samples));
    }
    if let Some(max) = expect.max_time_ms.filter(|m| time_ms > *m) {
        let expected = format!("at most {max} ms");
        failures.push(failure("max_time_ms", &expected, format!("{time_ms} ms")));
    }
    Ok(failures)
}

/// The samples of an instant query's answer (`vector`, `scalar`, `matrix` or `string`). An
/// answer whose `result` is missing or of the wrong shape is an error, never "no sample": a
/// proxy's or another API's JSON must not pass `result: empty`.
fn samples(response: &HttpResponse) -> Result<Vec<Sample>, String> {
    if response.truncated {
        return Err(
            "Prometheus' answer is over 1 MiB, the most opsbook reads; narrow the query (aggregate with `sum` or `max`, or select fewer series)".into(),
        );
    }
    let not_api = || {
        format!(
            "the answer is not Prometheus API JSON (status {}); is `prometheus` the base URL of Prometheus?",
            response.status
        )
    };
    let json: Value = serde_json::from_slice(&response.body).map_err(|_| not_api())?;
    if json["status"] != "success" {
        let kind = json["errorType"].as_str().unwrap_or("error");
        let message = json["error"].as_str().unwrap_or("no error message");
        return Err(format!("Prometheus answered {kind}: {message}"));
    }
    let data = &json["data"];
    let result = &data["result"];
    let samples = match data["resultType"].as_str() {
        Some("vector") => list(result).and_then(|l| l.iter().map(vector_sample).collect()),
        Some("matrix") => list(result).and_then(|l| {
            let series: Option<Vec<Vec<Sample>>> = l.iter().map(matrix_samples).collect();
            series.map(|s| s.into_iter().flatten().collect())
        }),
        Some("scalar" | "string") => point_text(result).map(|text| {
            vec![Sample {
                labels: Vec::new(),
                text,
            }]
        }),
        Some(other) => {
            return Err(format!(
                "Prometheus answered with a result type opsbook does not know: {other}"
            ));
        }
        None => None,
    };
    samples.ok_or_else(not_api)
}

fn list(v: &Value) -> Option<&[Value]> {
    v.as_array().map(Vec::as_slice)
}

/// A series' labels; a label value that is not a string is shown as the JSON it is.
fn metric(series: &Value) -> Option<Vec<(String, String)>> {
    let metric = series["metric"].as_object()?;
    let label = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    Some(metric.iter().map(|(k, v)| (k.clone(), label(v))).collect())
}

/// `[timestamp, "value"]` → the value's text.
fn point_text(point: &Value) -> Option<String> {
    match point.as_array()?.as_slice() {
        [_, Value::String(s)] => Some(s.clone()),
        [_, n @ Value::Number(_)] => Some(n.to_string()),
        _ => None,
    }
}

fn vector_sample(series: &Value) -> Option<Sample> {
    Some(Sample {
        labels: metric(series)?,
        text: point_text(&series["value"])?,
    })
}

fn matrix_samples(series: &Value) -> Option<Vec<Sample>> {
    let labels = metric(series)?;
    list(&series["values"])?
        .iter()
        .map(|point| {
            Some(Sample {
                labels: labels.clone(),
                text: point_text(point)?,
            })
        })
        .collect()
}

fn result(want: Option<ResultExpect>, samples: &[Sample]) -> Option<Failure> {
    match (want?, samples.is_empty()) {
        (ResultExpect::Empty, false) => Some(failure("result", "empty", shown(samples))),
        (ResultExpect::NonEmpty, true) => Some(failure("result", "non-empty", "empty".into())),
        _ => None,
    }
}

fn value(want: &crate::model::NumCompare, samples: &[Sample]) -> Option<Failure> {
    let expected = format!("every sample {}", describe_compare(want));
    if samples.is_empty() {
        let actual = "no sample (if nothing means healthy, end the query with `or vector(0)`)";
        return Some(failure("value", &expected, actual.into()));
    }
    let bad: Vec<&Sample> = samples
        .iter()
        .filter(|s| !s.value().is_some_and(|v| compare(want, v)))
        .collect();
    if bad.is_empty() {
        return None;
    }
    Some(failure("value", &expected, shown_refs(&bad, samples.len())))
}

fn labels(wanted: &[(String, String)], samples: &[Sample]) -> Option<Failure> {
    if samples
        .iter()
        .any(|s| wanted.iter().all(|(n, v)| s.has(n, v)))
    {
        return None;
    }
    let set: Vec<String> = wanted
        .iter()
        .map(|(n, v)| format!("{n}={}", Value::from(v.as_str())))
        .collect();
    let expected = format!("a sample with {{{}}}", set.join(", "));
    let actual = if samples.is_empty() {
        "no sample".to_owned()
    } else {
        shown(samples)
    };
    Some(failure("labels", &expected, actual))
}

fn shown(samples: &[Sample]) -> String {
    let refs: Vec<&Sample> = samples.iter().collect();
    shown_refs(&refs, samples.len())
}

/// The first few samples, and how many there were in all when some are left out.
fn shown_refs(samples: &[&Sample], total: usize) -> String {
    let mut out: Vec<String> = samples.iter().take(SHOWN).map(|s| s.show()).collect();
    if samples.len() > SHOWN {
        let more = samples.len() - SHOWN;
        out.push(if samples.len() == total {
            format!("… and {more} more")
        } else {
            format!("… and {more} more ({} of {total} samples)", samples.len())
        });
    }
    out.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(body: &str) -> HttpResponse {
        HttpResponse {
            status: 200,
            body: body.as_bytes().to_vec(),
            ..HttpResponse::default()
        }
    }

    fn judge(yaml: &str, body: &str) -> Result<Vec<Failure>, String> {
        let expect: crate::model::Expect = crate::load::from_str(yaml).expect("expect yaml");
        let expect = crate::compile::expect::standalone(&expect);
        let fill = |t: &Template| t.show(&|_| Some("api".into()));
        evaluate(&answer(body), Some(&expect), &fill, 1)
    }

    const TWO: &str = r#"{"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"__name__":"errors","service":"api","code":"500"},"value":[1,"0.2"]},
        {"metric":{"service":"web"},"value":[1,"0.001"]}]}}"#;

    #[test]
    fn every_sample_is_compared() {
        let f = judge("{value: {lt: 0.01}}", TWO).unwrap();
        assert_eq!(f[0].expected, "every sample < 0.01");
        assert_eq!(f[0].actual, r#"errors{service="api", code="500"} 0.2"#);
        assert!(judge("{value: {le: 0.2}}", TWO).unwrap().is_empty());
    }

    #[test]
    fn long_lists_say_how_many_more() {
        let sample = |v: &str| Sample {
            labels: vec![("i".into(), v.into())],
            text: v.into(),
        };
        let all: Vec<Sample> = ["1", "2", "3", "4", "5"].map(sample).into();
        assert!(shown(&all).ends_with("; … and 2 more"), "{}", shown(&all));
        let four: Vec<&Sample> = all.iter().take(4).collect();
        assert!(shown_refs(&four, 5).ends_with("… and 1 more (4 of 5 samples)"));
    }

    #[test]
    fn labels_need_one_matching_sample() {
        assert!(
            judge("{labels: {service: '{{ s }}'}}", TWO)
                .unwrap()
                .is_empty()
        );
        let f = judge("{labels: {code: '404'}}", TWO).unwrap();
        assert_eq!(f[0].expected, r#"a sample with {code="404"}"#);
    }

    #[test]
    fn empty_results() {
        let empty = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert!(judge("{result: empty}", empty).unwrap().is_empty());
        assert_eq!(
            judge("{result: non-empty}", empty).unwrap()[0].actual,
            "empty"
        );
        assert!(
            judge("{value: {lt: 1}}", empty).unwrap()[0]
                .actual
                .contains("or vector(0)")
        );
        assert_eq!(judge("{result: empty}", TWO).unwrap().len(), 1);
    }

    #[test]
    fn scalars_and_matrices() {
        let scalar = r#"{"status":"success","data":{"resultType":"scalar","result":[1,"3"]}}"#;
        assert!(judge("{value: {eq: 3}}", scalar).unwrap().is_empty());
        let matrix = r#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"a":"b"},"values":[[1,"1"],[2,"5"]]}]}}"#;
        let f = judge("{value: {lt: 2}}", matrix).unwrap();
        assert_eq!(f[0].actual, r#"{a="b"} 5"#);
    }

    #[test]
    fn prometheus_errors_are_errors() {
        let e = judge(
            "{result: empty}",
            r#"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected }"}"#,
        )
        .unwrap_err();
        assert_eq!(
            e,
            "Prometheus answered bad_data: 1:5: parse error: unexpected }"
        );
        assert!(
            judge("{result: empty}", "<html>")
                .unwrap_err()
                .contains("not Prometheus API JSON")
        );
    }

    #[test]
    fn an_answer_of_the_wrong_shape_is_an_error_not_an_empty_result() {
        for body in [
            r#"{"status":"success","data":{"resultType":"vector"}}"#,
            r#"{"status":"success","data":{"resultType":"vector","result":{"a":1}}}"#,
            r#"{"status":"success","data":{"resultType":"vector","result":[{"value":[1,"1"]}]}}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{}}]}}"#,
            r#"{"status":"success","data":{"resultType":"scalar","result":[1,{"a":1}]}}"#,
            r#"{"status":"success","data":{}}"#,
        ] {
            let e = judge("{result: empty}", body).unwrap_err();
            assert!(e.contains("not Prometheus API JSON"), "{body}: {e}");
        }
    }
}
