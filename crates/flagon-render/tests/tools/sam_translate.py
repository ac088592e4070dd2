"""The `sam-translate` command of aws-sam-translator's repository (bin/sam-translate.py),
which its wheel does not install, reduced to what the tests need and made offline.

    python3 sam_translate.py --template-file IN --output-template OUT

Expands IN (JSON or YAML) through the SAM transform exactly as CloudFormation does, and
writes the plain CloudFormation template to OUT as JSON. Flagon's templates name no
AWS-managed policy, so the managed policy map (which the original fetches from IAM) is
empty. Exit status 1 and the translator's messages on stderr when the template is invalid.
"""
import argparse
import json
import sys

from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    def load(self):
        return {}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--template-file", required=True)
    parser.add_argument("--output-template", required=True)
    args = parser.parse_args()
    with open(args.template_file) as f:
        template = yaml_parse(f.read())
    try:
        expanded = transform(template, {}, NoManagedPolicies())
    except InvalidDocumentException as e:
        for cause in e.causes:
            print("error: " + cause.message, file=sys.stderr)
        return 1
    with open(args.output_template, "w") as f:
        json.dump(expanded, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
