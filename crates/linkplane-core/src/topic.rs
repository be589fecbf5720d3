//! Notification topics, linkplane's stand-in for SNS topics: the name
//! rule and the ARN (`arn:aws:sns:<region>:<account>:<name>`) that
//! connection notifications name as `ConnectionNotificationArn`.

use crate::CoreError;

/// SNS's rule: 1 to 256 characters, ASCII letters, digits, `-` and `_`.
pub fn check_topic_name(name: &str) -> Result<(), CoreError> {
    if name.is_empty() || name.len() > 256 {
        return Err(CoreError::invalid_value(format!(
            "name: a topic name has 1 to 256 characters, not {}",
            name.len()
        )));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(CoreError::invalid_value(format!(
            "name: '{name}' holds '{c}'; a topic name has only letters, digits, '-' and '_'"
        )));
    }
    Ok(())
}

/// `arn:aws:sns:<region>:<account>:<name>`.
pub fn topic_arn(region: &str, account_id: &str, name: &str) -> String {
    format!("arn:aws:sns:{region}:{account_id}:{name}")
}

/// A topic ARN's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicArn {
    pub region: String,
    pub account_id: String,
    pub name: String,
}

/// Reads `arn:aws:sns:<region>:<12 digits>:<name>`; None for anything else.
pub fn parse_topic_arn(arn: &str) -> Option<TopicArn> {
    let rest = arn.strip_prefix("arn:aws:sns:")?;
    let mut parts = rest.splitn(3, ':');
    let region = parts.next()?;
    let account_id = parts.next()?;
    let name = parts.next()?;
    let region_ok = !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let account_ok = account_id.len() == 12 && account_id.chars().all(|c| c.is_ascii_digit());
    if !region_ok || !account_ok || check_topic_name(name).is_err() {
        return None;
    }
    Some(TopicArn {
        region: region.to_string(),
        account_id: account_id.to_string(),
        name: name.to_string(),
    })
}

/// The domain's connection events in EC2's spelling (`connect` ->
/// `Connect`), and back; None for a name EC2 does not have.
pub fn aws_event(event: &str) -> Option<&'static str> {
    match event {
        "accept" => Some("Accept"),
        "connect" => Some("Connect"),
        "delete" => Some("Delete"),
        "reject" => Some("Reject"),
        _ => None,
    }
}

pub fn event_of_aws(name: &str) -> Option<&'static str> {
    match name {
        "Accept" => Some("accept"),
        "Connect" => Some("connect"),
        "Delete" => Some("delete"),
        "Reject" => Some("reject"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_names_follow_sns() {
        for ok in ["a", "Connection-Events_1", &"x".repeat(256)] {
            assert!(check_topic_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a.b", "a b", "a:b", "ä", "a/b", &"x".repeat(257)] {
            assert!(check_topic_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn topic_arns_round_trip() {
        let arn = topic_arn("eu-west-1", "111122223333", "events");
        assert_eq!(arn, "arn:aws:sns:eu-west-1:111122223333:events");
        assert_eq!(
            parse_topic_arn(&arn),
            Some(TopicArn {
                region: "eu-west-1".into(),
                account_id: "111122223333".into(),
                name: "events".into(),
            })
        );
        for bad in [
            "arn:aws:sqs:eu-west-1:111122223333:events",
            "arn:aws:sns:eu-west-1:1111:events",
            "arn:aws:sns::111122223333:events",
            "arn:aws:sns:eu-west-1:111122223333:",
            "arn:aws:sns:eu-west-1:111122223333:a:b",
            "arn:aws:sns:EU:111122223333:events",
            "events",
        ] {
            assert_eq!(parse_topic_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn events_in_both_spellings() {
        for e in ["accept", "connect", "delete", "reject"] {
            let aws = aws_event(e).unwrap();
            assert_eq!(event_of_aws(aws), Some(e));
        }
        assert_eq!(aws_event("explode"), None);
        assert_eq!(event_of_aws("connect"), None);
    }
}
