"""What the deploy tests found, printed at the end of the session (`make deploy-check` shows it)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.deploy.assembly import CloudAssembly, DeployedFunction
from tests.deploy.iam import ContractResult


def dir_bytes(path: Path) -> int:
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


@dataclass
class DeployReport:
    started: dict[str, bool] = field(default_factory=dict)  # function -> all its start tests passed
    out_of_scope: list[str] = field(default_factory=list)
    assembly: CloudAssembly | None = None
    contract: ContractResult | None = None

    def function_started(self, name: str, passed: bool) -> None:
        self.started[name] = self.started.get(name, True) and passed

    def lines(self) -> list[str]:
        if self.assembly is None:
            return []
        sizes: dict[Path, int] = {}

        def size(fn: DeployedFunction) -> float:
            dirs = [d for d in (fn.code_dir, *fn.layer_dirs) if d is not None]
            return sum(sizes.setdefault(d, dir_bytes(d)) for d in dirs) / 1024**2

        checked = self.contract.checked if self.contract else {}
        calls = self.contract.calls if self.contract else {}
        rows = [("function", "starts", "calls (distinct checked)", "unzipped MB", "memory MB", "timeout s")]
        for name, fn in sorted(self.assembly.portal_functions.items()):
            starts = {True: "yes", False: "NO"}.get(self.started.get(name), "not run")  # type: ignore[arg-type]
            role = f"{calls.get(name, 0)} ({checked.get(name, 0)})" if self.contract else "not run"
            rows.append((name, starts, role, f"{size(fn):.1f}", str(fn.memory_mb), str(fn.timeout_seconds)))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        table = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
        out = ["Deployed functions (cdk.out)", *table]
        if self.out_of_scope:
            out.append(f"Not started (CDK's own helper functions): {', '.join(self.out_of_scope)}")
        if self.contract:
            c = self.contract
            out.append(
                f"IAM contract: {sum(c.calls.values())} calls by portal functions, "
                f"{sum(c.checked.values())} distinct (function, action, resource) checked, "
                f"{len(c.refusals)} refused; {c.unattributed} distinct calls made outside any function "
                "(test setup) not checked"
            )
            out.append(f"Grants no recorded call used ({len(c.unused)} action/resource pairs), for review:")
            grouped: dict[tuple[str, str], list[str]] = {}
            for g in c.unused:
                grouped.setdefault((g.function, g.resource), []).append(g.action)
            out += [
                f"  {fn}: {', '.join(sorted(acts))} on {res}" for (fn, res), acts in sorted(grouped.items())
            ]
            out.append(f"Grants the Lambda runtime uses (logs, X-Ray, DLQ): {len(c.runtime_grants)}")
        return out

    def write(self, emit: Callable[[str], None]) -> None:
        for line in self.lines():
            emit(line)


REPORT = DeployReport()
