"""Markdown tables of the experiments' outputs (for docs/EXPERIMENTS.md)."""

from __future__ import annotations

import pandas as pd


def markdown_table(df: pd.DataFrame, floatfmt: str = "{:,.3g}") -> str:
    """A GitHub-flavoured Markdown table of ``df`` (numbers right-aligned)."""
    def cell(v: object) -> str:
        if isinstance(v, float):
            return "" if v != v else floatfmt.format(v)
        if isinstance(v, int) and not isinstance(v, bool):
            return f"{v:,}"
        return str(v).replace("|", "\\|").replace("\n", " ")

    numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
               for c in df.columns]
    lines = ["| " + " | ".join(map(str, df.columns)) + " |",
             "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |"
              for row in df.itertuples(index=False)]
    return "\n".join(lines)
