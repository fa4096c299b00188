"""CDK entrypoint (``cdk.json``): synthesizes the kentei app into ``cdk.out``.

A validation finding (cdk-nag, region guard, CloudFormation validation) has been printed by
the time synth raises; exit 1 with its one-line summary instead of a jsii traceback.
"""

from __future__ import annotations

import sys

from kentei_infra.assembly import build_app


def main() -> int:
    try:
        build_app().synth()
    except RuntimeError as error:
        print(f"synth failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
