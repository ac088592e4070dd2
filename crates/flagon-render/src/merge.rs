//! `--merge-template`: a user's template deep-merged into the generated one.

use serde_json::Value;

/// Merges `overlay` into `base`: where both are objects, keys merge recursively (a key only
/// in `base` stays, a key only in `overlay` is added); anywhere else the overlay's value
/// replaces the base's. Arrays are values like any other: an overlay array replaces the
/// generated one whole (element-wise merging would make "remove an item" impossible to say),
/// so to add a statement to a generated list, repeat the list with the addition.
///
/// ```
/// use serde_json::json;
///
/// let mut template = json!({"Resources": {"F": {"Properties": {"MemorySize": 128, "Layers": ["a"]}}}});
/// flagon_render::deep_merge(
///     &mut template,
///     json!({"Resources": {"F": {"Properties": {"MemorySize": 512, "Layers": ["b"]}}, "Q": {}}}),
/// );
/// assert_eq!(
///     template,
///     json!({"Resources": {"F": {"Properties": {"MemorySize": 512, "Layers": ["b"]}}, "Q": {}}})
/// );
/// ```
pub fn deep_merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Object(base), Value::Object(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(&key) {
                    Some(existing) => deep_merge(existing, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, overlay) => *base = overlay,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nested_objects_merge_and_untouched_keys_survive() {
        let mut base = json!({"a": {"b": 1, "c": {"d": 2}}, "keep": true});
        deep_merge(&mut base, json!({"a": {"c": {"e": 3}}}));
        assert_eq!(
            base,
            json!({"a": {"b": 1, "c": {"d": 2, "e": 3}}, "keep": true})
        );
    }

    #[test]
    fn arrays_and_scalars_are_replaced_whole() {
        let mut base = json!({"list": [1, 2, 3], "n": 1, "o": {"x": 1}});
        deep_merge(&mut base, json!({"list": [9], "n": "one", "o": 5}));
        assert_eq!(base, json!({"list": [9], "n": "one", "o": 5}));
    }
}
