//! A list handed to a template one item at a time.
//!
//! `Serde(&list)` turns a whole list into template values before the first line is rendered.
//! For the book-wide pages of a 5,000-runbook book (the index of its runbooks, the index of its
//! alerts) that was tens of MB at once, most of the build's peak memory. Here each item becomes
//! a template value when the template reaches it, and is dropped once the loop moves on.

use std::fmt::Debug;
use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr, Serde};
use serde::Serialize;

#[derive(Debug)]
pub struct Lazy<T>(Arc<Vec<T>>);

impl<T: Serialize + Debug + Send + Sync + 'static> Lazy<T> {
    /// `items` as a template list.
    pub fn list(items: Arc<Vec<T>>) -> Value {
        Value::from_object(Lazy(items))
    }
}

impl<T: Serialize + Debug + Send + Sync + 'static> Object for Lazy<T> {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0
            .get(key.as_usize()?)
            .map(|item| Value::from(Serde(item)))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Serialize)]
    struct Item {
        name: &'static str,
        uses: Vec<u32>,
    }

    /// What a template can do with a list (loop, length, truth, index, loop variables) gives
    /// the same text as with the list converted whole.
    #[test]
    fn renders_as_the_whole_list_would() {
        let items = vec![
            Item {
                name: "a",
                uses: vec![1, 2],
            },
            Item {
                name: "b",
                uses: vec![],
            },
        ];
        let source = "{% if items %}{{ items|length }}:{% for i in items %}{{ loop.index }}{{ i.name }}{% for u in i.uses %}{{ u }}{% endfor %}{% if not loop.last %},{% endif %}{% endfor %} {{ items[1].name }}{% endif %}";
        let env = minijinja::Environment::new();
        let template = env.template_from_str(source).expect("compiles");
        let whole = template
            .render(minijinja::context! { items => minijinja::value::Serde(&items) })
            .expect("renders");
        let lazy = template
            .render(minijinja::context! { items => Lazy::list(Arc::new(items)) })
            .expect("renders");
        assert_eq!(whole, "2:1a12,2b b");
        assert_eq!(lazy, whole);
        let empty = template
            .render(minijinja::context! { items => Lazy::<Item>::list(Arc::new(Vec::new())) })
            .expect("renders");
        assert_eq!(empty, "");
    }
}
