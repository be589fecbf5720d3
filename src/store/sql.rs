//! A small SQL builder for queries whose shape depends on the request
//! (optional filters, keyset pagination). It only ever concatenates static
//! fragments and numbered `$N` placeholders, which both SQLite and Postgres
//! accept, so the text stays injection-free by construction.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, AssertSqlSafe, FromRow};

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
pub enum Value {
    Text(String),
    Int(i64),
    Bool(bool),
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

#[derive(Debug, Default)]
pub struct SqlBuilder {
    sql: String,
    args: Vec<Value>,
}

impl SqlBuilder {
    pub fn new(fragment: &'static str) -> Self {
        SqlBuilder {
            sql: fragment.to_string(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, fragment: &'static str) -> &mut Self {
        self.sql.push_str(fragment);
        self
    }

    pub fn push_bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.args.push(value.into());
        self.sql.push('$');
        self.sql.push_str(&self.args.len().to_string());
        self
    }

    /// Binds a comma-separated list (for `IN (...)`).
    pub fn push_list(&mut self, values: &[&str]) -> &mut Self {
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push_bind(*v);
        }
        self
    }

    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The query, ready to run, decoding rows as `T`.
    pub fn build_query_as<T>(&self) -> sqlx::query::QueryAs<'static, Any, T, AnyArguments>
    where
        T: for<'r> FromRow<'r, AnyRow>,
    {
        let mut q = sqlx::query_as::<Any, T>(AssertSqlSafe(self.sql.clone()));
        for v in &self.args {
            q = match v {
                Value::Text(s) => q.bind(s.clone()),
                Value::Int(i) => q.bind(*i),
                Value::Bool(b) => q.bind(*b),
            };
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders_in_order() {
        let mut b = SqlBuilder::new("SELECT 1 FROM t WHERE a = ");
        b.push_bind("x")
            .push(" AND b = ")
            .push_bind(2i64)
            .push(" AND c = ")
            .push_bind(true);
        assert_eq!(
            b.sql(),
            "SELECT 1 FROM t WHERE a = $1 AND b = $2 AND c = $3"
        );
    }
}
