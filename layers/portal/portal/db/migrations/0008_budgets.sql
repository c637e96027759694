-- Monthly budgets in money (USD) per user and per department, and the spend counted against them.
--
-- budgets: a limit per (scope, subject); subject '*' is the default of its scope, any other
-- subject (an empno, a department name) overrides it. A NULL limit means "no limit".
CREATE TABLE IF NOT EXISTS budgets (
    scope VARCHAR(20) NOT NULL CHECK (scope IN ('user', 'department')),
    subject VARCHAR(100) NOT NULL CHECK (length(subject) > 0),
    monthly_limit_usd NUMERIC(14, 6) CHECK (monthly_limit_usd IS NULL OR monthly_limit_usd >= 0),
    warn_ratio NUMERIC(5, 4) NOT NULL DEFAULT 0.8 CHECK (warn_ratio > 0 AND warn_ratio <= 1),
    updated_by VARCHAR(20) REFERENCES users(empno),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY (scope, subject)
);

-- The counter a model call reserves its estimate on and settles its actual cost to. One row per
-- (scope, subject, month); the conditional UPDATE on it is what makes the budget atomic.
CREATE TABLE IF NOT EXISTS budget_spend (
    scope VARCHAR(20) NOT NULL CHECK (scope IN ('user', 'department')),
    subject VARCHAR(100) NOT NULL,
    month DATE NOT NULL CHECK (EXTRACT(DAY FROM month) = 1),
    spent_usd NUMERIC(16, 8) NOT NULL DEFAULT 0 CHECK (spent_usd >= 0),
    reserved_usd NUMERIC(16, 8) NOT NULL DEFAULT 0 CHECK (reserved_usd >= 0),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY (scope, subject, month)
);
