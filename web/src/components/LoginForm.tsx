// Local-development login (config.local === true): issues a token via POST /local/token.
import { useState, type FormEvent } from 'react';

interface Props {
  onLogin: (req: { empno: string; name: string; admin: boolean }) => Promise<void>;
  notice?: string | null;
}

export function LoginForm({ onLogin, notice }: Props) {
  const [empno, setEmpno] = useState('E1001');
  const [name, setName] = useState('홍길동');
  const [admin, setAdmin] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!empno.trim() || !name.trim()) {
      setError('사번과 이름을 입력해 주세요.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onLogin({ empno: empno.trim(), name: name.trim(), admin });
    } catch (err) {
      setError(err instanceof Error ? err.message : '로그인에 실패했습니다.');
      setBusy(false);
    }
  };

  return (
    <div className="center-screen">
      <form className="card login" onSubmit={submit}>
        <h1>AI 포털</h1>
        <p className="muted">로컬 개발용 로그인 (Local login)</p>
        {notice && <p className="notice">{notice}</p>}
        <label>
          사번 (Employee no.)
          <input value={empno} onChange={(e) => setEmpno(e.target.value)} autoComplete="username" required />
        </label>
        <label>
          이름 (Name)
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label className="check">
          <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} />
          관리자 (admin)
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn primary" disabled={busy}>
          {busy ? '로그인 중…' : '로그인'}
        </button>
      </form>
    </div>
  );
}
