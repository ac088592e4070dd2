//! Readers for the value of one key: each checks the TOML type and names the key, its table
//! and the position when it is wrong.

use std::borrow::Cow;
use std::collections::BTreeMap;

use toml::Spanned;
use toml::de::DeValue;

use super::{Reader, Table, in_file_order};
use crate::error::ConfigError;

impl Reader<'_> {
    pub(super) fn string(
        &self,
        table: &Table<'_>,
        key: &Spanned<Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<String, ConfigError> {
        value
            .get_ref()
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| self.wrong_type(table, key.get_ref(), value, "a string"))
    }

    pub(super) fn uint(
        &self,
        table: &Table<'_>,
        key: &Spanned<Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<u32, ConfigError> {
        let name = key.get_ref().as_ref();
        let int = value
            .get_ref()
            .as_integer()
            .ok_or_else(|| self.wrong_type(table, name, value, "an integer"))?;
        let n = i64::from_str_radix(int.as_str(), int.radix())
            .map_err(|_| self.out_of_range(table, name, &value.span(), "is too large"))?;
        if n < 0 {
            return Err(self.out_of_range(
                table,
                name,
                &value.span(),
                &format!("must be 0 or more, found {n}"),
            ));
        }
        u32::try_from(n).map_err(|_| {
            self.out_of_range(table, name, &value.span(), &format!("is too large: {n}"))
        })
    }

    pub(super) fn strings(
        &self,
        table: &Table<'_>,
        key: &Spanned<Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<Vec<String>, ConfigError> {
        let name = key.get_ref().as_ref();
        let array = value
            .get_ref()
            .as_array()
            .ok_or_else(|| self.wrong_type(table, name, value, "an array of strings"))?;
        array
            .iter()
            .map(|item| {
                item.get_ref()
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| self.wrong_type(table, name, item, "an array of strings"))
            })
            .collect()
    }

    pub(super) fn string_map(
        &self,
        table: &Table<'_>,
        key: &Spanned<Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
        check: fn(&str, &str) -> Result<(), String>,
    ) -> Result<BTreeMap<String, String>, ConfigError> {
        let name = key.get_ref().as_ref();
        let entries = value
            .get_ref()
            .as_table()
            .ok_or_else(|| self.wrong_type(table, name, value, "a table of strings"))?;
        let mut out = BTreeMap::new();
        for (k, v) in in_file_order(entries) {
            let entry = format!("{name}.{}", k.get_ref());
            let s = v
                .get_ref()
                .as_str()
                .ok_or_else(|| self.wrong_type(table, &entry, v, "a string"))?;
            check(k.get_ref(), s).map_err(|m| self.out_of_range(table, &entry, &k.span(), &m))?;
            out.insert(k.get_ref().to_string(), s.to_owned());
        }
        Ok(out)
    }

    pub(super) fn choice<T: Copy>(
        &self,
        table: &Table<'_>,
        key: &Spanned<Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
        options: &[(&str, T)],
    ) -> Result<T, ConfigError> {
        let name = key.get_ref().as_ref();
        let s = self.string(table, key, value)?;
        options
            .iter()
            .find(|(o, _)| *o == s)
            .map(|(_, t)| *t)
            .ok_or_else(|| {
                let list = options
                    .iter()
                    .map(|(o, _)| format!("`{o}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.out_of_range(
                    table,
                    name,
                    &value.span(),
                    &format!("must be one of {list}, found `{s}`"),
                )
            })
    }
}
