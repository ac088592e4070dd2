//! The plan as a readable diff (`cargo flagon plan`).

use std::fmt;

use crate::plan::{Action, Plan};

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count =
            |pred: fn(&Action) -> bool| self.changes.iter().filter(|c| pred(&c.action)).count();
        let create = count(|a| matches!(a, Action::Create));
        let update = count(|a| matches!(a, Action::Update { .. }));
        let replace = count(|a| matches!(a, Action::Replace { .. }));
        let delete = count(|a| matches!(a, Action::Delete));
        let adopt = count(|a| matches!(a, Action::Adopt));
        writeln!(f, "Plan for {} ({}):", self.app, self.stage)?;
        if self.changes.is_empty() {
            return writeln!(f, "  no changes");
        }
        for change in &self.changes {
            let (mark, what) = match &change.action {
                Action::Create => ('+', "create".to_owned()),
                Action::Update { changed } => ('~', format!("update: {}", changed.join(", "))),
                Action::Replace { changed } => ('±', format!("replace: {}", changed.join(", "))),
                Action::Delete => ('-', "delete".to_owned()),
                Action::Adopt => ('=', "adopt (exists, not yet recorded)".to_owned()),
            };
            writeln!(f, "  {mark} {} ({what})", change.id)?;
            for step in &change.steps {
                writeln!(f, "      {}", step.describe())?;
            }
        }
        writeln!(
            f,
            "{create} to create, {update} to update, {replace} to replace, {delete} to delete, \
             {adopt} to adopt"
        )
    }
}
