"""Routing lexicon: weighted Korean/English cues per worker agent (data only, no logic).

Conventions the classifier relies on:

* A Hangul pattern is written without spaces and matched as a substring, so the particles
  Korean attaches to nouns don't matter ("부가세를", "규정상"). Patterns of three or more
  characters may be spread over words ("사내 규정" = "사내규정"); a two-syllable pattern must
  sit inside one word, so "예제 보여줘" does not contain "제보". A leading ``^`` anchors a
  pattern at a word start: "^내문서" matches "내 문서" but not "사내 문서".
  Keep patterns at least two syllables and avoid stems that occur inside common words
  ("리스" is inside 리스트/리스크, "감사" inside 감사합니다, "법" inside 방법).
* An ASCII pattern is matched on the lower-cased message with ASCII word boundaries and an
  optional inflection (s/es/ed/d/ing/ly); a trailing ``*`` makes it a prefix ("depreciat*").
* Longer patterns are matched first and consume their text, so "법인세" (tax) hides the
  shorter "법인" and "search the web" is not also counted as "search". That is how negative
  cues are expressed: give the longer, more specific phrase to the right agent.
* Weights: ~3.5 decisive, ~2.5 strong, ~1.5 medium, ~1 weak, <1 hint. Negative weights push an
  agent down when a phrase is known to mislead it.
* Per-agent cues are written as text blocks, ``pattern weight`` items separated by ``|``, with
  ``#`` comments: compact to read and review, and a duplicate pattern is an import error.
"""

from __future__ import annotations

from collections.abc import Mapping

GENERAL = "general"
WEB_SEARCH = "web_search"
MULTIMODAL_RAG = "multimodal_rag"
CANVAS = "canvas"
DEEP_RESEARCH = "deep_research"
REGULATIONS = "regulations"
LEGAL = "legal"
ACCOUNTING = "accounting"
TAX = "tax"

AGENTS: tuple[str, ...] = (
    GENERAL,
    WEB_SEARCH,
    MULTIMODAL_RAG,
    CANVAS,
    DEEP_RESEARCH,
    REGULATIONS,
    LEGAL,
    ACCOUNTING,
    TAX,
)


def _items(block: str) -> tuple[str, ...]:
    """Split a ``|``/newline separated word list."""
    return tuple(item.strip() for item in block.replace("\n", "|").split("|") if item.strip())


# Evidence every message gets for `general`: with no cue at all the answer is general,
# but weakly enough that any real domain cue wins.
GENERAL_BASELINE = 1.0

_CUES: dict[str, str] = {
    GENERAL: """
        # greetings, thanks, small talk
        안녕 1.5 | 반가워 1.5 | 고마워 2 | 고맙습니다 2 | 감사합니다 1.5 | 수고했 1.5 | 잘지내 1.5 | 심심 1
        도와줄수 1 | hello 1.5 | hi 1 | thanks 1.5 | thank you 1.5 | how are you 1.5 | what can you do 1.5
        # language work
        번역 3 | 영어로 1.5 | 한국어로 1.5 | 일본어로 1.5 | translate 3 | 문장 1 | 맞춤법 2.5 | 문법 2
        자연스럽 1 | 다듬어 0.5 | proofread 2 | rewrite 1.5 | rephrase 1.5 | sentence 1 | grammar 2
        paraphrase 1.5
        # correspondence
        메일 0.8 | 이메일 0.8 | 메일써 1.5 | 메일을써 1.5 | email 2 | e-mail 2 | 메시지 0.5 | 인사말 1.5
        축하 1 | 감사인사 2 | polite 1 | slack message 1.5
        # explanation and ideas
        설명해 0.8 | 알기쉽게 1 | 쉽게설명 1.5 | 개념 0.8 | 뭐가달라 0.5 | 차이 0.4 | 추천해 1 | 추천좀 1
        아이디어 1 | 브레인스토밍 1.5 | 팁 1 | 조언 1 | 방법이있을까 0.5 | 사용법 1.5 | 예시 0.5 | 비유 1
        explain 1 | what is a 0.5 | difference between 0.5 | tips 1 | tip 1 | ideas 1 | brainstorm 1.5
        summarize the pros 1 | pros and cons 1.5 | recommend 1 | advice 1 | new hire 0.5
        in simple terms 1.5
        # everyday programming help (not a canvas artifact)
        파이썬 1 | 자바스크립트 1 | 자바 0.5 | 타입스크립트 1 | 함수 1 | 정규표현식 1.5 | 정규식 1.5
        알고리즘 1 | 에러가 0.5 | 디버깅 1 | 도커 1 | 쿠버네티스 0.8 | 리액트 0.8 | 튜플 1.5 | 리스트 0.5
        딕셔너리 1.5 | python 1 | javascript 1 | typescript 1 | sql 1.5 | regex 1.5 | linked list 1.5
        algorithm 1 | function 0.5 | thread 0.5 | vector database 0.5 | microservices 0.5 | bug 0.5
        error message 0.3
        # how-to for everyday tools
        피벗 1.5 | 수식 1 | 단축키 1.5 | 사용하는법 1 | 설정하는법 1 | 하는법 0.5 | vlookup 1.5 | formula 1
        shortcut 1.5 | how do i 0.5
        # copywriting and naming
        슬로건 1.5 | 작명 2 | 이름지어 1.5 | 문구 1 | 캐치프레이즈 1.5 | 축사 1 | slogan 1.5 | catchy 1
        name for 1 | tagline 1.5 | 뜻이뭐 1 | 무슨뜻 1 | 의미가뭐 0.8 | 변환해 0.5 | 시써줘 1.5 | 농담 1.5
        convert 1 | haiku 2 | poem 2 | joke 2 | negotiation 0.5 | synonym 1.5
    """,
    WEB_SEARCH: """
        # explicit search
        검색해 2.5 | 검색좀 2.5 | 검색 2 | 인터넷 2.5 | 웹에서 2.5 | 웹검색 3 | 구글 2 | 네이버 2 | 구글링 3
        링크 1.5 | 출처링크 2 | 찾아봐 1 | 알아봐 0.8 | search the web 3.5 | web search 3.5
        search online 3.5 | google 2 | look up 1.5 | search for 2 | search 1.5 | browse 1.5 | online 1
        links 1 | website 1
        # recency
        최신 1.5 | 최신버전 2.5 | 최근 1 | 요즘 1 | 오늘 0.8 | 어제 0.8 | 내일 0.4 | 지금 0.5 | 현재 0.8
        실시간 2 | 이번주 0.8 | 이번달 0.8 | 올해 0.5 | 방금 0.3 | 발표된 1 | 발표한 1 | 발표됐 1
        공개된 0.8 | 출시 1.5 | 신제품 1 | 업데이트소식 2 | 화제 1 | 트렌드 0.5 | latest 1.5 | recent 1
        recently 1 | today 1 | yesterday 1 | tonight 1 | this week 1 | this month 0.8 | right now 1
        current 1 | currently 1 | release notes 1.5 | announced 1 | announcement 1 | released 1 | upcoming 1
        # news
        뉴스 2.5 | 기사 1.5 | 속보 3 | 보도 1.5 | 헤드라인 2 | news 2.5 | headline 2 | press release 1.5
        breaking 2
        # markets and prices
        환율 2.5 | 주가 2.5 | 시황 2.5 | 코스피 2.5 | 코스닥 2.5 | 나스닥 2.5 | 다우지수 2.5 | 증시 2.5
        주식시장 2 | 시세 2.5 | 유가 2 | 금값 2 | 비트코인 2 | 기준금리 2 | 금리 1 | 국채 1.5 | 지수 1
        마감 0.5 | stock market 2.5 | stock price 2.5 | share price 2.5 | stocks 1.5 | exchange rate 2.5
        price of 1 | bitcoin 2 | nasdaq 2.5 | s&p 2 | interest rate 1 | market close 2
        # weather, traffic, events, sports
        날씨 2.5 | 기온 2 | 미세먼지 2.5 | 강수 2 | 태풍 2 | 교통상황 2.5 | 항공편 1.5 | 결항 2 | 축제 1
        경기결과 2 | 프로야구 2 | 야구 1 | 축구 1 | k리그 2 | 월드컵 1.5 | 올림픽 1.5 | 스코어 1.5
        이겼 1.5 | weather 2.5 | forecast 1 | weather forecast 3 | traffic 1.5 | who won 2.5 | score 1
        game 0.8 | match 0.5 | kbo 2 | mlb 2 | nba 2 | premier league 2 | reviews 0.8 | 통계 1
        # broader "what is happening out there" vocabulary
        소식 2 | 근황 1.5 | 장애났 1.5 | 장애발생 1.5 | 출시일 2 | 사전예약 1.5 | 개봉 1.5 | 박스오피스 2.5
        순위 1 | 선거 1.5 | 여론조사 2 | 지진 2 | 주식 1.5 | 코인 1.5 | 가상화폐 2 | 원달러 2.5 | 엔화 1
        달러 0.8 | 금시세 2.5 | 집값 2 | 아파트값 2 | 확정됐 1 | 나왔어 0.5 | 티켓팅 2 | 예매 1 | 영업시간 2
        근처 1.5 | 맛집 1.5 | 가는길 1 | 항공권 1.5 | 최저임금 0.5 | 거래되 1.5 | trending 2 | election 1.5
        box office 2.5 | near me 2.5 | opening hours 2 | outage 1.5 | status page 2 | release date 2
        launched 1 | ceo of 1 | who is the current 2 | updates on 1.5 | what happened 1.5 | happening 1
        올랐 1 | 떨어졌 1 | 오늘자 1.5 | 이슈 0.8 | 공고 1 | 다운됐 1.5 | 접속장애 2 | cve 2
        down right now 2.5 | tonight's 1 | 장애 1 | 복구됐 1 | 전망치 1.5 | 발표 0.5 | gdp 0.5 | 운행 1.5
        정상운행 2 | 지하철 1 | 열차 0.8 | 지연 1 | 실적발표 2 | 매진 2 | 잔여석 2 | 좌석 0.5 | 반응 0.8 | 후기 1 | 평점 1 | 총리 1
        대통령 1 | 장관 1 | 경기일정 2 | what are people saying 2 | prime minister 1.5 | president of 1
        saying online 2
    """,
    MULTIMODAL_RAG: """
        # the user's own files
        첨부 3 | 업로드 3 | ^내가올린 3 | 방금올린 3 | 올린파일 3 | 올려둔 2.5 | 올려놓은 2.5 | 올린문서 3
        ^내문서 3 | ^내파일 3 | ^제문서 3 | ^우리문서 1 | ^내드라이브 2.5 | 드라이브에 1.5
        공유해준파일 2.5 | 보내준파일 2.5 | ^이파일 2.5 | ^이문서 2 | ^이자료 1.5 | ^이이미지 3 | ^이사진 3
        ^이그림 2.5 | ^이스크린샷 3 | ^이캡처 3 | ^이표 1.5 | ^이슬라이드 3 | ^이엑셀 3 | ^이pdf 3
        ^이ppt 3 | ^이논문 2.5 | ^이영수증 3 | ^이도면 3 | 파일에서 2.5 | 파일의 1.5 | 문서에서 2
        문서들 1.5 | 자료에서 1.5 | 문서를기반 2 | 내용기반 1.5 | 기반으로답 1.5
        # file kinds mentioned in the message
        엑셀 0.5 | 스프레드시트 1.5 | 슬라이드 1 | 이미지 0.8 | 사진 0.8 | 스크린샷 2 | 캡처 1.5
        영수증 1.5 | 도면 1.5 | 매뉴얼 1 | 회의록파일 2 | 한글파일 2 | hwp 2 | docx 2.5 | xlsx 2.5
        pptx 2.5 | pdf 1 | ppt 0.8 | csv 1.5 | attached 3 | attachment 3 | uploaded 3 | upload 2.5
        i uploaded 3.5 | i attached 3.5 | my files 3 | my documents 3 | my docs 3 | this file 2.5
        the file 2 | this document 2 | the document i 2.5 | this pdf 2.5 | the pdf 2 | this image 2.5
        the image 1.5 | this photo 2.5 | photo 1.2 | picture 1.2 | screenshot 2 | spreadsheet 2
        the slides 2 | slides 1.5 | slide deck 2 | scanned 2 | according to the document 2.5
        in the document 1.5
        # what people ask of a file
        추출 1.5 | 읽어줘 1.5 | 뽑아줘 1 | 요약해 0.8 | 내용정리 0.8 | 정리해줘 0.3 | extract 1.5
        based on the 0.8 | 올려드린 2.5 | 보내드린 2 | 문서함 2 | 자료실 1 | 공유드라이브 2 | ^이시트 2.5
        시트 0.8 | 녹취록 1.5 | 견적서 0.5 | ^이보고서 1.5 | transcript 1.5 | this report 1.5
        this spreadsheet 3 | this sheet 2.5 | my notes 2 | knowledge base 1.5 | our docs 1 | 명함 1
        페이지에 0.5 | page 0.5 | 녹음 1
    """,
    CANVAS: """
        # the workspace itself
        캔버스 4 | 아티팩트 4 | 워크스페이스 3 | 작업공간 2.5 | 공동편집 3 | 같이편집 3 | 함께편집 3
        편집할수 2 | 같이볼 2 | 함께볼 2 | 팀원들과 1.5 | 팀원들이 1 | 공유문서 2.5 | canvas 4 | artifact 4
        workspace 2.5 | shared doc 2.5 | shared document 2.5 | editing together 2.5 | we're editing 2
        collaborative 1.5 | the team can edit 2.5 | co-edit 2.5
        # documents to produce
        초안 2 | 기획서 1.5 | 기획안 1.5 | 제안서 1.5 | 보고서 1 | 회의록 1.5 | 템플릿 2 | 양식 1.5
        목차 1.5 | 문서를만들 2 | 문서만들 2 | 문서로만들 2 | 문서를작성 2 | 문서작성 2 | 보고서를작성 2
        보고서작성 2 | 보고서를써 2 | 보고서써 2 | 보고서만들 2 | 가이드문서 2 | 백서작성 2 | document 1
        doc 1 | draft 1.5 | proposal 1 | requirements document 2 | project plan 1.5 | template 2 | outline 1
        write-up 1
        # charts and visual artifacts
        차트 2.5 | 그래프 2 | 막대 1 | 원그래프 2.5 | 파이차트 2.5 | 간트 2.5 | 다이어그램 2 | 시각화 2
        대시보드 1.5 | 인포그래픽 2 | 그려줘 2 | 그려 1 | chart 2.5 | graph 2 | diagram 2 | visualize 2
        visualise 2 | dashboard 1.5 | plot 1.5
        # producing / editing verbs
        작성해 1 | 작성하 0.8 | 만들어 1 | 써줘 0.3 | 수정해 1 | 고쳐 1 | 바꿔 0.8 | 변경해 0.8 | 추가해 1
        삭제해 0.8 | 반영해 1 | 간결하게 1 | 섹션 1.5 | 단락 1 | 올려줘 1 | write a 0.5 | create a 0.8
        create 0.5 | make a 0.5 | generate 0.5 | update the 0.8 | edit 1 | add a section 2 | section 1
        paragraph 1 | component 0.8 | 발표자료 1.5 | 구성안 1.5 | 공문 1.5 | 보도자료초안 2 | 플로우차트 2.5
        순서도 2.5 | 마인드맵 2.5 | 와이어프레임 2.5 | 목업 2 | 표형식 1 | 띄워줘 1.5 | 편집가능 2
        공동작업 2 | 협업문서 2.5 | 새로만들어 1 | flowchart 2.5 | mind map 2.5 | wireframe 2.5 | mockup 2
        write up 1 | revise 1 | refine together 2 | html page 1 | landing page 1 | 꺾은선 2 | 막대그래프 2.5
        표로만들 1.5 | 문서화 2 | 문서로정리 2 | 안내문 1 | 공지문 1.5 | 작성한문서 1.5 | 만든문서 1.5
        kanban 1.5 | script 0.5
    """,
    DEEP_RESEARCH: """
        # depth, breadth and sources: a report built from many documents, not one lookup
        심층 3 | 딥리서치 4 | 리서치 2.5 | 조사해 2 | 조사 1.2 | 연구 0.5 | 종합 1.5 | 종합적 2 | 다각도 2.5
        다각적 2.5 | 다양한관점 2.5 | 여러관점 2.5 | 여러자료 2.5 | 다양한자료 2.5 | 여러출처 3
        다양한출처 3 | 출처 1.5 | 교차검증 2.5 | 깊이있게 2.5 | 깊게 1.5 | 체계적 1.2 | 폭넓게 2 | 광범위 2
        동향 1.5 | 전망 1.5 | 시장분석 2 | 산업분석 2 | 현황 1 | 미치는영향 1.5 | 미칠영향 1.5
        영향분석 1.5 | 비교분석 1.5 | 분석보고서 2 | 리포트 1 | 해외사례 1.5 | 사례 0.8 | 요인 1 | 국가별 1
        성공요인 1.5 | 백서 1 | 논문 0.8 | 문헌 2 | 보고서 0.5 | 분석해 0.5 | 트렌드 0.8 | 진출전략 1.5
        deep research 4 | deep dive 3 | research report 3 | research brief 3 | comprehensive 2
        in-depth 2.5 | thorough 1.5 | research 2 | investigate 2 | multiple sources 3 | various sources 3
        sources 1.5 | citing 2 | cite 1.5 | citations 2 | literature review 3 | papers 0.8
        market outlook 2 | outlook 1.2 | landscape 1.5 | trends 1.2 | analyse 1 | analyze 1 | analysis 0.8
        state of 0.8 | long-term 0.8 | competitive analysis 2 | report 0.5 | industry 0.8 | 시장규모 2
        성장률 1 | 경쟁사분석 2 | 벤치마킹 1.5 | 사례연구 2 | 케이스스터디 2 | 시사점 2 | 인사이트 1
        파고들 2 | 연구결과 2 | 실태 1.5 | 참고문헌 2.5 | 인용 1.5 | 근거와함께 2 | 수익구조 1
        고려해야할 0.8 | market size 2 | case studies 2 | implications 1.5 | well-sourced 3
        systematic review 3 | literature 2 | findings 1.5 | benchmark 1 | compare 0.5 | comparing 0.5
        evidence 1 | 파악하고싶 1 | market study 2.5 | key players 2 | study 0.8 | forecasts 0.5
        교차확인 2.5 | 기관자료 1.5 | 경쟁구도 2 | 주요플레이어 2 | 업계 0.8
    """,
    REGULATIONS: """
        # the company's own rulebooks, HR/admin/expense/security policy and compliance
        사내규정 4 | 회사규정 4 | 사규 3.5 | 내규 3.5 | 취업규칙 4 | 복무규정 4 | 인사규정 4 | 보안규정 3.5
        구매규정 3.5 | 여비규정 4 | 출장규정 4 | 경비규정 3.5 | 규정 2.5 | 규칙 1.5 | 지침 2
        가이드라인 1.5 | 매뉴얼상 1 | 컴플라이언스 3 | 준법 2 | 준수사항 2.5 | 준수 1.2 | 윤리강령 3.5
        행동강령 3.5 | 윤리규범 3.5 | 내부통제 2.5 | 이해충돌 2 | 청탁금지 2 | 내부신고 2 | 징계 2
        연차 1.5 | 휴가 1 | 반차 1.5 | 출장비 2 | 출장 1 | 일비 2 | 숙박비 1.5 | 경조사 2 | 경조금 2
        법인카드 2 | 복리후생 2 | 재택근무 1.5 | 유연근무 1.5 | 근태 2 | 지각 1 | 결재 1.5 | 전결 2.5
        승인절차 2 | 보안등급 2 | 정보보안 1.5 | 개인정보보호 1.2 | 체크리스트 0.8 | 사내 1.5 | ^우리회사 1
        회사에서는 1 | 허용되 1 | 써도돼 0.8 | 해도되 0.8 | 되나요 0.3 | 기준 0.5 | 한도 0.8 | 신청절차 1.5
        절차 0.5 | 육아휴직 1.5 | 수의계약 1 | policy 2 | policies 2 | our policy 3 | company policy 3
        security policy 3 | travel policy 3.5 | expense policy 3.5 | code of conduct 3.5 | handbook 2.5
        internal 1 | compliance 2.5 | compliant 2.5 | comply 2 | rules 1.5 | guideline 1.5 | procurement 1.5
        approval process 2 | allowed to 1 | allow 0.8 | our company 1 | company's 1 | gifts 1 | per diem 2
        business class 1 | dress code 2.5 | pto 2 | leave policy 3.5 | 보수규정 4 | 급여규정 4 | 회계규정 4
        계약규정 3.5 | 보안지침 3.5 | 정책 1 | 사내정책 3.5 | 방침 1 | 준법감시 3 | 윤리경영 2.5
        부정청탁 2 | 금품 2 | 향응 2.5 | 선물받 1.5 | 선물을받 1.5 | 선물수수 2 | 복지포인트 2.5 | 병가 1.5
        출산휴가 1.5 | 근무시간 1.5 | 출퇴근 1 | 시차출근 2 | 초과근무 1.5 | 교통비 1 | 식대 1 | 경비정산 2
        비용정산 2 | 위임전결 3 | 결재권한 3 | ^품의 2 | 보안서약서 3 | 서약서 2 | 상벌 2 | 포상 1
        승진기준 2 | 호봉 2 | 겸업 2 | 겸직 2 | 사외활동 2 | 드레스코드 2.5 | 복장 1.5 | 문서보안 2.5
        ^제보 1.5 | 내부고발 2 | 필수교육 2 | 의무교육 2 | 법정의무교육 3 | 얼마까지 0.5 | 인정돼 0.3
        인정되 0.3 | 회사노트북 1.5 | 회사pc 1.5 | company laptop 1.5 | company 0.5 | procedure 1 | sop 2
        reimburse* 2 | expense report 2 | vacation 1.5 | remote work policy 3.5 | work from home 1.5
        conflict of interest 3 | whistleblow* 2.5 | anti-bribery 3 | acceptable use 3 | byod 2.5
        mandatory training 2.5 | employees abroad 1 | 회사 0.5 | 반출 2 | 지급기준 1.5 | 지원기준 1.5
        선정기준 1.5 | 채용 0.5 | 보상금 0.5 | 반입 1.5 | 승인받 1 | 승인을받 1 | 해도돼 0.8 | 접대 1
        1인당 0.5 | 금액한도 1 | 정해져있 0.8 | 규정집 3.5 | 인사팀 1 | 총무 1 | 복지 1.5 | 동호회 1
        지원금 0.5 | 수칙 2 | 준수해야 1.5 | 금지되어 1 | 승인 0.8 | 허가 0.8 | 이월 1 | hr 1
        data classification 2.5 | confidential 1 | how many days 0.5 | 퇴사절차 2 | 입사절차 2 | 퇴사시 1
        반납 1.5 | 장비 0.5 | 출입카드 2 | 출입증 2 | 사원증 2 | 분실 1 | 보안사고 1.5 | 당직 1.5
        자기계발비 2 | 학자금 1.5 | 사택 1.5 | 휴직 1.5 | 복직 1.5 | 인사발령 1.5 | 평가기준 1 | 성과급 1
        수당 1 | 단축근무 1.5 | 시간외근무 1.5 | 외부강의 1.5 | 보안점검 1.5 | 문서파기 2 | 외부메일 1
        자동전달 1 | 사무실 0.5 | usb 1 | expense 1 | badge 1.5 | offboarding 2 | equipment 0.5
        overtime policy 3 | parental leave 2 | sick leave 2 | training budget 1.5 | personal use 1.5
    """,
    LEGAL: """
        # law, contracts, disputes, IP, labour law and named statutes
        법적 3 | 법률 2.5 | 법무 3 | 법원 2.5 | 소송 3 | 고소 3 | 고발 2.5 | 변호사 3 | 판례 3 | 법령 2
        조문 2 | 법위반 2 | 위법 2.5 | 불법 2.5 | 합법 2.5 | 적법 2.5 | 처벌 2 | 분쟁 2 | 중재 2
        조정신청 2 | 계약서검토 3.5 | 계약검토 3.5 | 계약서 2 | 계약 1 | 조항 1.5 | 약관 1.5 | 해지 1.5
        해제 0.5 | 위약금 2.5 | 위약벌 2.5 | 손해배상 2.5 | 배상 1.5 | 책임 0.8 | 효력 2 | 유효 1.5 | 무효 2
        구속력 2.5 | 내용증명 3 | 경고장 2.5 | 상표권 2.5 | 상표 1.5 | 특허 2 | 저작권 2.5 | 라이선스 1.5
        지식재산 2.5 | 영업비밀 2.5 | 경업금지 3 | 비밀유지 1.5 | 침해 2 | 위반 1 | 부당해고 3.5 | 해고 2
        징벌 1.5 | 원청 1 | 하청 1 | 하도급 2 | 규제 1 | 하도급법 3 | 공정거래법 3 | 근로기준법 2.5
        상법 2.5 | 민법 2.5 | 형법 2.5 | 중대재해 3 | 개인정보보호법 2.5 | 저작권법 2.5 | 특허법 2.5
        상표법 2.5 | 노동법 2.5 | 부정경쟁 2.5 | 파견법 2.5 | 전자상거래법 2.5 | 약관규제법 3 | 독점규제 2.5
        표시광고법 2.5 | 산업안전보건법 2.5 | 자본시장법 2.5 | 개인정보 1 | legal 3 | legally 3 | lawyer 2.5
        attorney 2.5 | counsel 2 | lawsuit 3 | sue 2.5 | litigation 3 | court 2.5 | law 2 | statute 2.5
        contract 1.5 | clause 2 | liability 2 | indemnif* 2.5 | nda 2.5 | trademark 2.5 | patent 2
        copyright 2 | infring* 2.5 | cease and desist 3.5 | breach 2 | binding 2 | enforceable 2.5
        agreement 1 | terminat* 1 | wrongful 2 | dismissal 1.5 | gdpr 1.5 | gpl 2 | license 1.5
        licence 1.5 | risks 0.5 | lawful 2.5 | unlawful 2.5 | regulation 1 | non-compete 3 | 법규 2 | 로펌 3
        ^소장 1 | 형사 2 | 민사 2.5 | 가처분 3 | 가압류 3 | 지급명령 3 | 강제집행 3 | 채권추심 2.5
        합의서 2 | 합의금 2 | 특약 1.5 | 면책 2 | 책임제한 2.5 | 채무불이행 3 | 하자담보 3 | 연대보증 2.5
        준거법 3 | 관할 1.5 | 판결 2.5 | 대법원 2.5 | 위헌 2.5 | 디자인권 2.5 | 오픈소스라이선스 2.5
        전직금지 3 | 노동위원회 3 | 임금체불 2.5 | ^산재 1 | 정보통신망법 3 | 담합 2.5 | 갑질 1.5
        허위광고 2 | 청약철회 2 | 임대차 2 | ^명도 2 | 공증 2.5 | 정관 2 | 주주총회 1.5 | 주주간계약 3
        인허가 1.5 | 행정처분 2.5 | 과징금 2 | 과태료 1.5 | 벌금 1.5 | 명예훼손 3 | 초상권 2.5 | 괴롭힘 1.5
        성희롱 1 | 대금 0.5 | 불리한 1 | 김영란법 2.5 | 법위반소지 2 | judge 2 | ruling 2 | precedent 2
        case law 3 | terms and conditions 2 | indemnity 2.5 | warranty 1.5 | damages 1.5 | governing law 3
        jurisdiction 2.5 | arbitration 3 | dispute 1.5 | intellectual property 2.5 | trade secret 2.5
        antitrust 3 | defamation 3 | statute of limitations 3.5 | subpoena 3 | due diligence 2 | void 1
        record a phone call 1 | without consent 1.5 | 문제될까 0.5 | 문제없을까 0.5 | 책임지 1 | 보상받 1
        피해 1 | ^사기 1.5 | 횡령 2.5 | 배임 2.5 | 뇌물 2 | 노무사 2.5 | 노무 1.5 | 근로자 1 | 근로계약 2
        계약갱신 1.5 | 신규성 2 | 출원 2.5 | 성립 1.5 | 날인 1.5 | 서명 1 | 동의없이 1 | 법상 1.5
        악성댓글 1.5 | 지체상금 3 | 가맹 1.5 | labor law 3 | labour law 3 | remedies 2 | remedy 2 | sla 1
        sign 0.5 | signed 0.5 | 무단 2 | 도용 2.5 | 저작권문제 3 | 책임소재 2.5 | 다쳤 1.5 | 사고 0.5
        사업장 0.5 | 표절 2 | 베꼈 1.5 | 권리침해 3 | 파산 2.5 | 회생절차 2.5 | 채권 1 | 채무 1.5 | 보증금 1
        자동갱신 1.5 | 이용약관 2.5 | 개인정보처리방침 2 | 국외이전 2.5 | 제3자제공 2.5 | 정보주체 2.5
        동의 0.8 | 주52시간 2 | 연장근로 1.5 | 퇴직금 1.5 | 체불 2 | 노조 2 | 단체교섭 3 | 대응해 0.5
        최저임금 1 | consent 1.5 | personal data 1.5 | data protection 1.5 | privacy 1 | bankruptcy 2.5
        insolvency 2.5 | creditor 1.5 | unauthorized 1.5 | plagiar* 2 | defam* 3 | employment contract 2.5
        minimum wage 1 | union 1 | transferring personal data 1.5
    """,
    ACCOUNTING: """
        # bookkeeping, financial statements, K-IFRS/GAAP treatment, audit, ratios
        회계 2.5 | 회계처리 3.5 | 분개 3.5 | 재무제표 3.5 | 연결재무제표 4 | 재무상태표 3.5 | 대차대조표 3.5
        손익계산서 3.5 | 현금흐름표 3.5 | 자본변동표 3.5 | 감가상각 3.5 | 상각 1.5 | 정률법 3 | 정액법 3
        선입선출 3 | 후입선출 3 | 이동평균법 3 | 총평균법 3 | 재고자산 2.5 | 대손충당금 3.5 | 충당금 2.5
        충당부채 3 | 손상차손 3.5 | 무형자산 3 | 유형자산 3 | 자산화 2.5 | 사용권자산 3 | 리스부채 3
        리스회계 3.5 | 금융리스 3 | 운용리스 3 | ifrs 3 | gaap 3 | 기업회계기준 3.5 | 회계기준 3
        수익인식 3.5 | 계정과목 3 | 계정으로 2 | 차변 3 | 대변 3 | 전표 2.5 | 장부 2 | 결산 2.5 | 계상 2.5
        미수수익 3 | 미지급비용 3 | 선급비용 3 | 선수수익 3 | 미지급금 2.5 | 매출채권 2 | 매입채무 2
        영업이익률 2.5 | 영업이익 1.5 | 당기순이익 2 | 부채비율 2 | 유동비율 2.5 | 재무비율 2.5 | 재무 1
        판관비 2.5 | 매출원가 2.5 | 원가 1.5 | 외화환산 3 | 환산손익 3 | 자본적지출 3 | 수익적지출 3
        영업권 2.5 | 지분법 3 | 내부거래 1.5 | 회계감사 3 | 외부감사 2.5 | 감사인 2 | 감사의견 3
        감사보고서 2.5 | 개발비 1.5 | 인식 0.5 | 이자비용 1.5 | 현금흐름 1.5 | accounting 3
        account for 2.5 | journal entr* 3.5 | ledger 2.5 | depreciat* 3 | amortiz* 2.5 | amortis* 2.5
        recognize revenue 3.5 | recognise revenue 3.5 | revenue recognition 3.5 | deferred revenue 3
        prepaid 2.5 | balance sheet 3 | income statement 3 | cash flow statement 3 | financial statement 3
        impairment 2.5 | goodwill 2 | finance lease 2.5 | operating lease 2.5 | lease 1
        inventory valuation 2.5 | fifo 2.5 | operating margin 2 | write-off 1.5 | reconciliation 2
        audit 1.5 | accounts receivable 2.5 | accounts payable 2.5 | cogs 2.5 | ebitda 2 | book 0.5
        capitalize 2 | capitalise 2 | bookkeeping 3 | 회계상 3 | 회계정책 3.5 | 회계추정 3.5 | 원장 1
        시산표 3 | 주석사항 2 | 포괄손익 3 | 이익잉여금 3 | 잉여금 2.5 | 처분계산서 2.5 | 자본금 1.5
        내용연수 3 | 잔존가치 3 | 연수합계법 3 | 재평가 2 | 공정가치 2.5 | 장부가액 3 | 장부금액 3
        취득원가 2.5 | 원가계산 2.5 | 제조원가 2.5 | 표준원가 3 | 재고실사 2.5 | 저가법 3 | 대손 2.5
        퇴직급여 1.5 | 확정급여 2.5 | 수행의무 3 | 계약자산 3 | 계약부채 3 | 선수금 2 | 선급금 2 | 미수금 2
        가수금 2.5 | 가지급금 2 | 발생주의 3 | 현금주의 2.5 | 정부보조금 2 | 국고보조금 2.5 | 환차손 2.5
        환차익 2.5 | 헤지회계 3.5 | 금융자산 2 | 상각후원가 3 | 유효이자율 3 | 전환사채 2 | 이연법인세 3.5
        법인세비용 3 | 주당이익 3 | 내부회계 3 | 매출총이익 2.5 | 관리회계 3 | 재무회계 3 | 자산으로 1.5
        비용으로 1 | 비용처리 1 | 매출할인 2 | 매출에누리 2.5 | 에누리 2 | 환입 2 | 기말 1 | 잔액 1 | 손익 1
        general ledger 3 | trial balance 3 | asc 606 3.5 | p&l 2 | right-of-use 3 | lifo 2.5
        gross margin 2 | consolidat* 2 | intercompany 2.5 | retained earnings 3 | equity method 3
        fair value 2 | book value 2 | carrying amount 3 | write-down 2 | provision 1 | bad debt 2.5
        doubtful accounts 3 | month-end close 3 | chart of accounts 3 | debit 1.5 | credit note 2
        foreign currency translation 3 | hedge accounting 3.5 | deferred tax 3 | record 0.8 | auditor 1.5
        장부정리 2 | 재무팀 1 | 재무보고 2.5 | 손익분기점 1.5 | 원가율 2 | 이익률 1.5 | roe 2 | roa 2
        현금성자산 2.5 | 회전율 1.5 | 영업외수익 3 | 영업외비용 3 | 영업외 2.5 | 지분취득 1.5 | 연결대상 3
        종속기업 3 | 관계기업 3 | 자회사 1 | 건설중인자산 3.5 | 본계정 2.5 | 대체분개 3.5 | 매출로인식 3
        평가손실 2.5 | 자산 0.5 | 부채 0.8 | 매출 0.3 | accounting treatment 3.5 | leaseback 2.5
        우발부채 3 | 공통비 2.5 | 배부 2 | 사업부별 0.5 | 유동부채 2.5 | 비유동 2.5 | 유가증권 2 | 공시 1
        원가배분 3 | 배분 1 | 수정분개 3.5 | 기말수정 3 | 결산조정 3 | 운전자본 2.5 | 예산대비 1
        코스트센터 2 | adjusting entr* 3.5 | unearned revenue 3 | year-end 1 | year end 1 | entries 1
        accru* 2.5 | capex 2 | opex 2 | contingent liabilit* 3 | disclosure 1 | cost allocation 2.5
        allocate 1 | journal 1.5 | revenue 0.5 | working capital 2.5 | budget variance 2 | cost center 2
        financial 0.8 | received in advance 2.5 | customer deposit 2 | in advance 0.5
    """,
    TAX: """
        # taxes by name, filing and withholding, deductions and credits, the tax office
        세금 3 | 세무 3 | 세율 3 | 세액 3 | 과세 2.5 | 비과세 3 | 면세 2.5 | 납세 3 | 절세 3 | 세법 3
        부가세 3.5 | 부가가치세 3.5 | 법인세 3.5 | 소득세 3.5 | 종합소득세 4 | 양도소득세 4 | 양도세 3.5
        증여세 4 | 상속세 4 | 취득세 3.5 | 재산세 3.5 | 종부세 3.5 | 지방세 3 | 관세 2.5 | 인지세 3
        원천징수 3.5 | 원천세 3.5 | 연말정산 4 | 세액공제 3.5 | 소득공제 3.5 | 공제 1.5 | 예정신고 3
        확정신고 3 | 중간예납 3.5 | 신고기한 2 | 신고 1 | 납부 2 | 세금계산서 3.5 | 계산서발급 2.5
        가산세 3.5 | 손금 3.5 | 익금 3.5 | 국세청 3.5 | 홈택스 3.5 | 세무조사 4 | 간이과세 3.5 | 일반과세 3
        과세자 2.5 | 이전가격 3 | 퇴직소득 2.5 | 매입세액 3.5 | 매출세액 3.5 | 환급 1.5 | 접대비 1.5
        기업업무추진비 2 | 조세 3 | 이중과세 3.5 | 조세조약 4 | 세무사 3 | 4대보험 1 | 비용처리 1 | tax 3
        taxed 3 | taxes 3 | taxable 3 | taxation 3 | vat 3.5 | withholding 3 | withholding tax 4
        tax return 3.5 | income tax 3.5 | corporate income tax 4 | deduction 1.5 | deductible 2
        tax credit 3.5 | transfer pricing 3 | irs 3 | nts 2 | gst 3 | customs duty 2.5 | tariff 1.5
        dividends 0.5 | refund 0.5 | filing 0.8 | file 0.3 | 과세표준 3.5 | 과표 3 | 누진세 3 | 영세율 3.5
        면세사업자 3.5 | 과세사업자 3.5 | 사업자등록 2 | 폐업신고 2 | 종소세 4 | 근로소득 2.5 | 사업소득 2.5
        기타소득 2.5 | 이자소득 2.5 | 배당소득 2.5 | 연금소득 2.5 | 양도소득 3 | 분리과세 3.5 | 종합과세 3.5
        지급명세서 3.5 | 경정청구 3.5 | 수정신고 3 | 기한후신고 3.5 | 세무조정 3.5 | 손금불산입 3.5
        익금불산입 3.5 | 세무서 3.5 | 위택스 3.5 | 지방소득세 3.5 | 주민세 3 | 등록면허세 3.5
        증권거래세 3.5 | 개별소비세 3.5 | 조세특례 3.5 | 조특법 3.5 | 세액감면 3.5 | 감면 1.5
        이월결손금 3.5 | 결손금 2 | 부당행위계산 3.5 | 특수관계인 2 | 국조법 3.5 | 고정사업장 3.5
        해외금융계좌 3 | 성실신고 3 | 적격증빙 3 | 증빙 1 | 현금영수증 2.5 | 전자세금계산서 3.5
        의료비공제 3.5 | 교육비공제 3.5 | 기부금 1.5 | 월세공제 3.5 | 자가운전보조금 3 | 3.3% 3 | 8.8% 2.5
        떼는 0.5 | 떼야 0.5 | 프리랜서 1 | 소명 1 | 손금인정 3.5 | exempt 2 | exemption 2
        taxable income 3.5 | capital gains 3 | payroll tax 3.5 | sales tax 3.5 | tax rate 3.5
        permanent establishment 3.5 | tax treaty 4 | double taxation 4 | tax audit 4 | hmrc 3.5
        tax invoice 3.5 | reverse charge 3.5 | customs 1.5 | deduct 1.5 | 환급금 2 | 13월의월급 3
        부양가족 2.5 | 인적공제 3.5 | 세전 2 | 세후 2 | 실수령액 2 | 국민연금 0.5 | 건강보험료 0.5
        과세대상 3.5 | tax implications 4 | pre-tax 3 | after-tax 3 | 상품권 0.5 | 세금내 3 | 로열티 0.5
        신고기간 2 | 기한연장 1 | 납부기한 2.5 | 분납 2.5 | 체납 2.5 | 세무대리 3 | tax-free 3 | tax free 3
        royalt* 0.5
    """,
}

# Phrases that mislead one agent: (pattern, {agent: weight}). Merged with _CUES; a negative
# weight lowers an agent when a longer phrase proves a shorter cue means something else.
_CROSS_CUES: tuple[tuple[str, Mapping[str, float]], ...] = (
    ("오늘하루", {WEB_SEARCH: -0.8, GENERAL: 0.5}),  # "how should I start my day", not news
    ("법인세법", {TAX: 3.5, LEGAL: -1.0}),
    ("부가가치세법", {TAX: 3.5, LEGAL: -1.0}),
    ("소득세법", {TAX: 3.5, LEGAL: -1.0}),
    ("세법상", {TAX: 3.5, LEGAL: -1.0}),
    ("법인카드", {TAX: -0.5}),  # corporate card rules are internal policy
    ("근로계약서", {LEGAL: 2.5}),
    ("용역계약서", {LEGAL: 2.5}),
    ("비밀유지계약", {LEGAL: 3.0}),
    ("계약기간", {LEGAL: 0.5}),
    ("리스크", {LEGAL: 0.5}),
    ("연구개발비", {ACCOUNTING: 1.0, TAX: 0.5}),
    ("회계연도", {ACCOUNTING: 0.5}),
    ("보고서를찾아", {MULTIMODAL_RAG: 1.0, CANVAS: -1.0}),
    ("발표자료만들", {CANVAS: 2.5}),
    ("개인정보유출", {LEGAL: 1.5, REGULATIONS: 0.5}),
    ("최신법령", {LEGAL: 2.0, WEB_SEARCH: 0.5}),
    ("email address", {GENERAL: 0.5}),
    ("code review", {GENERAL: 1.0}),
    ("user account", {GENERAL: 1.0, ACCOUNTING: -1.0}),
    ("사내문서", {REGULATIONS: 1.5}),  # company documents, not "내 문서" (my documents)
    ("장애인", {REGULATIONS: 0.5}),  # disabled employees, not a service outage
    ("주식회사", {LEGAL: 0.3}),
    ("선물추천", {GENERAL: 1.5}),
    ("인터넷에서찾은", {WEB_SEARCH: -1.0}),  # where material came from, not a search request
    ("설계상", {GENERAL: 0.3}),  # "by design", not 계상 (booking an amount)
    ("대변인", {WEB_SEARCH: 0.5}),
    ("원장님", {GENERAL: 0.3}),
    ("보도자료", {CANVAS: 1.0}),
)

# Co-occurrence cues: every part must be present (anywhere in the message). They do not
# consume text; they capture intents no single phrase carries ("조사" + "보고서").
COMBOS: tuple[tuple[tuple[str, ...], Mapping[str, float]], ...] = (
    (("조사", "보고서"), {DEEP_RESEARCH: 1.5}),
    (("조사", "리포트"), {DEEP_RESEARCH: 1.5}),
    (("조사", "정리"), {DEEP_RESEARCH: 0.8}),
    (("research", "report"), {DEEP_RESEARCH: 1.0}),
    (("research", "sources"), {DEEP_RESEARCH: 1.0}),
    (("분석", "보고서"), {DEEP_RESEARCH: 1.0}),
    (("문서", "만들"), {CANVAS: 1.0}),
    (("보고서", "작성"), {CANVAS: 1.0}),
    (("차트", "만들"), {CANVAS: 1.0}),
    (("document", "edit"), {CANVAS: 1.0}),
    (("계약", "검토"), {LEGAL: 1.5}),
    (("계약", "유효"), {LEGAL: 1.0}),
    (("review", "contract"), {LEGAL: 1.0}),
    (("오늘", "결과"), {WEB_SEARCH: 1.0}),
    (("경기", "결과"), {WEB_SEARCH: 1.0}),
    (("지금", "얼마"), {WEB_SEARCH: 1.0}),
    (("현재", "얼마"), {WEB_SEARCH: 1.0}),
    (("우리", "규정"), {REGULATIONS: 1.0}),
    (("our", "policy"), {REGULATIONS: 1.0}),
    (("company", "rules"), {REGULATIONS: 1.0}),
    (("신고", "기한"), {TAX: 1.0}),
    (("신고", "절차"), {TAX: -0.5, REGULATIONS: 0.5}),
    (("file", "tax"), {TAX: 1.0}),
    (("최신", "버전"), {WEB_SEARCH: 1.5}),
    (("슬라이드", "작성"), {CANVAS: 1.5}),
    (("슬라이드", "만들"), {CANVAS: 1.0}),
    (("자산", "비용"), {ACCOUNTING: 1.0}),
    # "X 만들 때 / 작성할 때 ..." asks how to do something, not to produce it here.
    (("만들때",), {CANVAS: -1.5}),
    (("작성할때",), {CANVAS: -1.5}),
)

# Canvas produces or edits an artifact. Without one of these request words a message that
# only mentions the workspace, a document or a chart ("워크스페이스에 누가 있어?", "보고서 기한이
# 언제야?") is a question, not a request to create something: its Canvas evidence is scaled by
# CANVAS_MENTION_FACTOR. Hangul stems are matched on the message without spaces.
CANVAS_REQUEST_CUES = _items(
    """
    만들 | 작성 | 써줘 | 써 줘 | 써봐 | 써주 | 쓰자 | 써서 | 수정 | 고쳐 | 고치 | 바꿔 | 바꾸 | 변경 | 추가 | 삭제 | 지워
    반영 | 그려 | 그리 | 다듬 | 편집 | 정리해 | 옮겨 | 넣어 | 채워 | 띄워 | 시각화 | 초안 | 만들어 | 생성 | 구성해
    늘려 | 줄여 | 요약해서 | 붙여 | 재작성 | 업데이트 | 보완
    create | write | draft | edit | make | generate | update | add | revise | rewrite | draw | plot | build
    turn | refine | insert | remove | delete | change | fix | visuali | chart it | design | prepare | put
    """
)
CANVAS_MENTION_FACTOR = 0.3

# Phrases showing the message continues the previous turn ("그럼 그건?", "what about ...").
FOLLOW_UP_CUES = _items(
    """
    그럼 | 그러면 | 그건 | 그거 | 그것 | 그경우 | 그때 | 거기 | 거기서 | 저건 | 이건 | 그쪽 | 마찬가지 | 똑같이
    그부분 | 방금거 | 아까 | 위에서 | 위내용 | what about | how about | and for | same for | that one | those
    and if | then | also | instead
    """
)
# The previous agent's prior: small by default, larger when the message reads as a follow-up.
PREVIOUS_AGENT_PRIOR = 0.6
FOLLOW_UP_PRIOR = 2.0
SHORT_MESSAGE_CHARS = 20  # a short message leans on context
SHORT_MESSAGE_PRIOR = 0.5

# Attachments: extensions the multimodal RAG worker can read.
DOCUMENT_EXTENSIONS = frozenset(
    _items(
        "pdf | doc | docx | hwp | hwpx | txt | md | rtf | odt | ppt | pptx | key | xls | xlsx | csv | tsv | json | html | htm"
    )
)
IMAGE_EXTENSIONS = frozenset(_items("png | jpg | jpeg | gif | webp | bmp | tif | tiff | heic | heif | svg"))
ATTACHMENT_PRIOR = 2.0  # any readable attachment
ATTACHMENT_REFERENCE_BONUS = 1.5  # ...and the message points at it
# Whole words that, with an attachment present, point at it ("이 계약서", "this contract").
DEICTIC_WORDS = frozenset(
    _items(
        "이 | 위 | 해당 | 여기 | 여기서 | 여기에 | 이거 | 이걸 | 이것 | 이것을 | 이거로 | this | these | here | above | it"
    )
)


def parse_cues(block: str, *, agent: str = "?") -> dict[str, float]:
    """Parse a cue block: ``pattern weight`` items separated by ``|``, ``#`` comments."""
    cues: dict[str, float] = {}
    for raw_line in block.splitlines():
        line = raw_line.split("#", 1)[0].strip()
        if not line:
            continue
        for item in line.split("|"):
            pattern, _, weight = item.strip().rpartition(" ")
            if not pattern:
                raise ValueError(f"{agent}: cue {item.strip()!r} needs 'pattern weight'")
            if pattern in cues:
                raise ValueError(f"{agent}: duplicate cue {pattern!r}")
            cues[pattern] = float(weight)
    return cues


def build_lexicon() -> dict[str, dict[str, float]]:
    """Merge per-agent cues and cross cues into {pattern: {agent: weight}}."""
    lexicon: dict[str, dict[str, float]] = {}
    for agent, block in _CUES.items():
        for pattern, weight in parse_cues(block, agent=agent).items():
            lexicon.setdefault(pattern, {})[agent] = weight
    for pattern, weights in _CROSS_CUES:
        entry = lexicon.setdefault(pattern, {})
        for agent, weight in weights.items():
            entry[agent] = entry.get(agent, 0.0) + weight
    return lexicon
