-- Sign-in with the corporate IdP refreshes the user's department with name and company.
ALTER TABLE users ADD COLUMN IF NOT EXISTS department VARCHAR(100);
