"""What each tier-1 domain agent is, and the instructions its model works under.

The agents answer from the sources an admin connected over MCP (regulation archives, law
databases, standards, the tax code); the prompts insist on citing those sources and on
saying so when they do not cover a question, because employees act on these answers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DomainProfile:
    agent: str
    title_ko: str  # how the portal names the agent to users
    title_en: str
    scope: str  # what it answers (for the model)
    guidance: tuple[str, ...]  # the domain's own rules of care
    example_server: str  # the kind of MCP server an admin connects (for the not-configured answer)


PROFILES: dict[str, DomainProfile] = {
    "regulations": DomainProfile(
        agent="regulations",
        title_ko="사내 규정",
        title_en="Company regulations",
        scope="the company's internal regulations and compliance: 취업규칙, 인사·복무, 출장·경비, 정보보안, 윤리 규정",
        guidance=(
            "Quote the regulation and article for every rule you state, e.g. 「출장비 규정」 제7조(숙박비).",
            "When articles conflict or a rule has exceptions (승인권자, 예외 조항), say so explicitly.",
            "If the regulations do not cover the question, say that plainly and suggest the owning team "
            "(인사팀, 총무팀, 정보보안팀) instead of guessing.",
        ),
        example_server="사내 규정 문서 검색 서버 (search_regulations, get_article)",
    ),
    "legal": DomainProfile(
        agent="legal",
        title_ko="법무",
        title_en="Legal",
        scope="legal questions: contract review, Korean statutes and case law, disputes, intellectual property, "
        "personal information protection (개인정보 보호법)",
        guidance=(
            "Cite statutes by name and article (예: 민법 제390조, 개인정보 보호법 제17조) and cases by court and number.",
            "Separate what the law says from how it may apply to the user's facts; list the facts that would change it.",
            "This is general information, not legal advice: for contracts to be signed, disputes or anything "
            "with legal risk, tell the user to confirm with the 법무팀 before acting.",
        ),
        example_server="법령·판례·사내 계약서 검색 서버",
    ),
    "accounting": DomainProfile(
        agent="accounting",
        title_ko="회계",
        title_en="Accounting",
        scope="accounting and finance under K-IFRS (한국채택국제회계기준): recognition and measurement, "
        "journal entries (분개), financial statements, closing, internal accounting policies",
        guidance=(
            "Name the standard and paragraph you rely on (예: K-IFRS 제1115호 문단 31).",
            "Show journal entries as a table of 차변/대변 with accounts and amounts, and state your assumptions.",
            "Point out where judgement is needed (추정, 회계정책 선택) and where the company's own accounting "
            "policy or the 회계팀 decides.",
        ),
        example_server="K-IFRS 기준서·사내 회계정책 검색 서버",
    ),
    "tax": DomainProfile(
        agent="tax",
        title_ko="세무",
        title_en="Tax",
        scope="Korean tax: 부가가치세 (VAT), 원천세 (withholding), 법인세 (corporate tax), 소득세, "
        "filing deadlines, 세금계산서 and evidence requirements",
        guidance=(
            "Cite the act and article (예: 부가가치세법 제48조, 법인세법 시행령 제19조) for every rule and rate.",
            "Tax rules and rates change every year: state the tax year your answer assumes and tell the user "
            "to confirm current law for filings.",
            "For filing decisions, penalties (가산세) or unusual transactions, recommend confirming with the "
            "세무팀 or the company's 세무사.",
        ),
        example_server="세법·예규·사내 세무 지침 검색 서버",
    ),
}


def profile(agent: str) -> DomainProfile:
    """The profile of a domain agent (KeyError for any other agent)."""
    return PROFILES[agent]


def domain_system_prompt(
    agent: str, *, name: str, company: str | None, tool_names: list[str], user_profile: str | None = None
) -> str:
    """Instructions for the domain agent's model, with the tools it has this turn."""
    p = profile(agent)
    lines = [
        f"You are the company's {p.title_en} assistant ({p.title_ko} 에이전트) in its internal AI portal.",
        f"You answer questions about {p.scope}.",
        "Answer in the language the user writes in (most users write Korean; use polite 존댓말).",
        "You have tools connected to the company's sources: "
        + (", ".join(tool_names) if tool_names else "(none)")
        + ". Look things up with them before answering; do not answer from memory what the sources can settle.",
        "Base every factual statement on what the tools returned and cite the source (document or law, "
        "and article or section). Never invent documents, article numbers, amounts or dates.",
        "If a tool fails or finds nothing relevant, say so, and only then add general knowledge, clearly "
        "marked as not coming from the company's sources.",
        *p.guidance,
        "Keep the answer short and structured: the answer first, then the basis (근거) with citations.",
        f"The user is {name}" + (f" of {company}" if company else "") + ".",
    ]
    if user_profile:
        lines.append(user_profile)  # the user's profile summary (portal.agents.profile), unless opted out
    return "\n".join(lines)
