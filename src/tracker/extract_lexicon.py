"""Word lists for `tracker.extract`: cues, verbs, owners, areas and a small zh→en glossary.

Kept apart from the algorithm so that a new announcement's vocabulary is added here, as data.
Every list is general policy language, not phrases copied from one press conference.
"""

from __future__ import annotations

import re
from functools import lru_cache

# --- Chinese ---------------------------------------------------------------------------------

# Said of the future: modal words (将, 下一步…) outweigh any past marker in the same clause.
ZH_FUTURE_MODAL = (
    r"下一步|接下来|下一阶段|下阶段|今后|即将|(?<![即])将(?![来近军领])|力争|争取|(?<![模虚草])拟"
    r"|面向“?(?:十五五|20\d\d|未来)|计划(?=于|在|到|今年|明年|20\d\d)"
)
# Said of the future: time words, which a past marker in the same clause overrides (今年已…).
ZH_FUTURE_TIME = r"今年(?!以来|前)|明年|后年|“?十五五”?(?:时期|期间|期末|末)|未来(?:一段时间|几年|[一二三四五两\d]+年)"
# Said of the future, but too common to carry over to the next sentence.
ZH_FUTURE_WEAK = r"(?<![主重需只必纲摘概简不])要(?![求素点闻件害])"
# Said of the past: unambiguous markers.
ZH_PAST = (
    r"(?<!而)已(?!启动|经启动)|已经(?!启动)|累计|过去|去年|前年|以来|此前|先后|曾经?|截至|截止"
    r"|(?<![为除罢])了(?![解])|成功|首次|据悉|据介绍|据了解|数据显示|据统计|测算|初步核算"
    r"|据透露|会上介绍|会上还介绍|回顾|成效|年来|近年|近几年|近些年|目前|当前|现阶段|近期|近日"
)
# Results and statistics: past unless the clause itself speaks of the future.
ZH_RESULT = (
    r"(?:达到?|超过?|突破|增长|提升|提高|降低|减少|下降|占比达?|位居|居|约|近)\s*\d+(?:\.\d+)?(?![\dA-Za-z])"
    r"|同比|环比|\d+(?:\.\d+)?\s*[%％]"
)
# Work that has begun and goes on: a commitment in progress even though said with 已.
ZH_ONGOING = r"(?:已|已经)(?:启动|进入(?=[^，,。]{0,12}阶段))|正在(?=[\u4e00-\u9fff])"
# A paragraph that opens with these goes on with the one before (一是…, 此外…, 同时…).
ZH_CONTINUE = (
    r"[一二三四五六七八九十]是|首先|其次|再次|最后|此外|另外|同时|与此同时|第[一二三四五六七八九十]"
    r"|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、]|[一二三四五六七八九十]+、"
)
EN_CONTINUE = r"(?:first|second|third|fourth|finally|also|in addition|moreover|meanwhile|besides)\b"
# Status in_progress: the text says the work goes on.
ZH_CONTINUING = r"持续|继续|深入推进|深入实施|正在|已启动|已经启动"

# Words that may open a clause before its verb (removed, longest first, repeatedly).
ZH_LEAD = (
    "一是|二是|三是|四是|五是|六是|七是|八是|九是|十是|首先是|首先|其次是|其次|再次|最后|"
    "第一|第二|第三|第四|第五|此外|另外|同时|并且|而且|以及|另一方面|与此同时|"
    "下一步|接下来|下一阶段|下阶段|今后|今年|明年|近期|近日|目前|当前|"
    "还将|也将|还要|也要|将会|将要|将继续|将|要|还|也|并|再|则|又|就|"
    "已经|已|正在|力争|争取|计划|拟"
)
# Subjects that may open a clause: the body that acts (owners below), pronouns, places.
ZH_SUBJECTS = "工业和信息化部|工信部|我部|我们|我国|中国|大陆|国家|各地|地方|有关部门|相关部门|各部门|部里|中央|国务院"
# Adverbs before a verb (removed before the verb is looked up).
ZH_ADVERBS = (
    "持续|深入|进一步|全面|积极|大力|着力|继续|稳步|不断|扎实|统筹|有序|切实|系统|重点|协同|"
    "体系化|前瞻|坚决|全力|努力|加快|加速|加力|加紧|抓紧|尽快|逐步|同步|有效|主动|研究|"
    "深度|广泛|高标准|高质量|一体|率先|着重|优先|集中|联合相关部门|会同相关部门|充分|准确|新(?=培育|建)"
)
# Verbs that open an action: deliverables first (they weigh more in the confidence score).
ZH_VERBS_STRONG = (
    "制修订|制定|修订|修改|编制|出台|发布|印发|颁布|公布|实施|启动|建设|建立|构建|创建|打造|搭建|"
    "筹建|设立|成立|开展|组织|举办|推出|研发|研制|开发|部署|布局|试点|遴选|认定|推行|上线|发行"
)
ZH_VERBS = (
    "推进|推动|推广|培育|培养|完善|健全|探索|支持|扶持|鼓励|引导|落实|贯彻|加快|加强|加大|强化|"
    "深化|优化|拓展|扩大|攻关|突破|发展|壮大|升级|改造|规范|整治|清理|开放|激发|挖掘|谋划|"
    "建好|用好|做好|抓好|办好|管好|联合|会同|加速|加力|建成|开放|引进|吸引|保护|防范|化解|"
    "深挖|释放|扩容|畅通|打通|夯实|筑牢|厚植|完成|抓紧|补齐|加紧|开拓"
)
# Verbs that state an aim or a result rather than an action of their own.
ZH_PURPOSE = (
    "促进|助力|带动|引领|提升|提高|实现|形成|保障|维护|服务|遏制|确保|满足|推动|赋能|支撑|保持"
)
# Openers of framing clauses: a topic, a manner, a principle — never an action alone.
ZH_FRAME = (
    "聚焦|围绕|坚持|发挥|把握|以|在|从|按照|依托|面向|立足|通过|瞄准|对|向|为|针对|结合|对照|"
    "秉持|遵循|基于|根据|随着|经过|借助|利用|用(?!好)|把"
)
# Verbs that open a lead-in clause when an action follows (抓好网络建设与升级，加快推进…).
ZH_LEAD_IN = r"抓好|抓实|抓牢|做好|狠抓|着力|突出|聚焦"
# Nouns naming a concrete deliverable: a plan, a standard, a platform, a programme...
ZH_DELIVERABLE = (
    r"《|“|规划|计划|标准|指南|条例|办法|方案|意见|清单|目录|平台|中心|基地|工程|专项|行动|项目|"
    r"试验|试点|基金|社区|网$|体系|机制|先导区|示范区|园区|工厂|名单|政策|法规|制度"
)

# --- English ---------------------------------------------------------------------------------

EN_FUTURE_MODAL = (
    r"\b(?:will|shall|is to|are to|plans? to|planned to|aims? to|intends? to|is going to|"
    r"are going to|is set to|are set to|expects? to|seeks? to|pledged to|vowed to|promised to|"
    r"next step|going forward|in the coming)\b"
)
EN_FUTURE_TIME = r"\b(?:next year|this year|during the 15th five-year plan)\b"
EN_PAST = (
    r"\b(?:has|have|had|was|were|already|last year|so far|to date|since|achieved|reached|grew|"
    r"increased|rose|fell|totall?ed|year[- ]on[- ]year|over the past)\b"
)
EN_ONGOING = (
    r"\b(?:has|have) (?:\w+ly )?(?:launched|started|begun|commenced|kicked off)\b"
    r"|\b(?:is|are) (?:now )?under ?way\b"
)
EN_CONTINUING = r"\b(?:continue|continues|continuing|keep|further|ongoing|under ?way)\b"
EN_VERBS = (
    "accelerate|advance|boost|build|carry|conduct|create|cultivate|deepen|deploy|develop|draft|"
    "enhance|establish|expand|explore|formulate|foster|implement|improve|increase|introduce|issue|"
    "launch|promote|publish|release|revise|roll|set|strengthen|support|upgrade|make|push|complete|"
    "host|hold|provide|encourage|guide|optimize|optimise|refine|step|speed|start|begin|open|"
    "organize|organise|invest|facilitate|extend|unveil|adopt|enact|amend|update|clear|train|"
    "nurture|help|build|set|fund|pilot|trial|test|standardize|standardise"
)
EN_SPEAKER_QUESTION = r"reporter|journalist|question|^q$|asked"
EN_SPEAKER_HOST = r"moderator|host|presenter|chair"

# --- owners, areas, glossary (compact tables: "word=meaning; …", "area: word|word") -------
# Areas are listed from the most specific: on a tie the first one wins.


def _table(text: str) -> dict[str, str]:
    pairs = (item.split("=", 1) for item in re.split(r";\s*", text.strip()) if item)
    return {key.strip(): value.strip() for key, value in pairs}


OWNER_OF = _table(
    """
工业和信息化部=MIIT; 工信部=MIIT; 我部=MIIT; Ministry of Industry and Information Technology=MIIT;
MIIT=MIIT; 国家发展改革委=NDRC; 国家发展和改革委员会=NDRC; 发改委=NDRC; NDRC=NDRC; 财政部=MOF; 科技部=MOST;
商务部=MOFCOM; 教育部=MOE; 国务院国资委=SASAC; 市场监管总局=SAMR; 国家数据局=NDA; 国家能源局=NEA; 生态环境部=MEE;
人力资源社会保障部=MOHRSS; 中国人民银行=PBOC; 国家知识产权局=CNIPA; 国务院=State Council;
State Council=State Council
"""
)
OWNER_RE = re.compile("|".join(re.escape(name) for name in sorted(OWNER_OF, key=len, reverse=True)))

AREA_KEYWORDS = {
    area.strip(): tuple(word.strip() for word in words.split("|"))
    for area, words in (
        line.split(":", 1)
        for line in """
SMEs: 中小企业|专精特新|小巨人|拖欠|账款|划型|益企|大中小企业|中小微|SME|small and medium
Robotics: 机器人|具身智能|具身智慧|人形|robot|humanoid|embodied
AI: 人工智能|人工智慧|大模型|智能体|AI|算法|训练数据|训练芯片|智能算力|artificial intelligence|large model
Green: 绿色|低碳|降碳|节能|碳排放|氢|微电网|新能源|光伏|节水|减污|能耗|green|carbon|hydrogen|microgrid|energy
Materials: 材料|material
Emerging industries: 新兴产业|未来产业|先导区|支柱产业|emerging industr|future industr
Manufacturing: 智能制造|智能工厂|领航工厂|制造业|工厂|工业软件|装备|manufactur|factor
ICT: 6G|5G|信息通信|资讯|宽频|通信|宽带|千兆|万兆|光网|光纤|物联网|算力|基站|网络|互联网|卫星|量子|数据中心|broadband|telecom|network|computing power|optical
Digital economy: 数字产业|数字经济|数字化转型|软件|digital
Consumer goods: 消费品|促消费|消费名品|consumer
""".strip().splitlines()
    )
}

# Verbs of a Chinese action phrase → the English verb of its title.
VERB_EN = _table(
    """
制修订=Revise; 制定=Formulate; 修订=Revise; 修改=Amend; 编制=Draw up; 出台=Issue; 发布=Publish;
印发=Issue; 颁布=Issue; 公布=Publish; 实施=Implement; 启动=Launch; 建设=Build; 建立=Establish;
构建=Build; 创建=Create; 打造=Build; 搭建=Set up; 筹建=Set up; 设立=Set up; 成立=Establish;
开展=Carry out; 组织=Organize; 举办=Hold; 推出=Launch; 研发=Develop; 研制=Develop; 开发=Develop;
部署=Deploy; 布局=Plan; 试点=Pilot; 推进=Advance; 推动=Promote; 推广=Promote; 培育=Cultivate; 培养=Train;
完善=Improve; 健全=Improve; 探索=Explore; 支持=Support; 扶持=Support; 鼓励=Encourage; 引导=Guide;
落实=Implement; 贯彻=Implement; 加快=Accelerate; 加强=Strengthen; 加大=Increase; 强化=Strengthen;
深化=Deepen; 优化=Optimize; 拓展=Expand; 扩大=Expand; 提高=Raise; 提升=Raise; 攻关=Tackle;
突破=Achieve breakthroughs in; 发展=Develop; 壮大=Grow; 升级=Upgrade; 改造=Upgrade; 规范=Regulate;
清理=Clear; 激发=Stimulate; 建好=Build; 用好=Use; 做好=Deliver; 抓好=Focus on; 促进=Promote; 助力=Help;
形成=Form; 实现=Achieve; 加速=Accelerate; 加力=Step up; 遴选=Select; 认定=Certify
"""
)

# Domain terms → English words for titles and keys (longest match wins).
GLOSSARY = _table(
    """
6G=6G; 5G-A=5G-A; 5G=5G; 十五五=15th FYP; 十四五=14th FYP; 第二阶段=phase-2; 第三阶段=phase-3;
技术试验=technology trials; 试验=trials; 中小企业=SME; 专精特新=specialized; 小巨人=little giant;
大中小企业=firms of all sizes; 划型标准=classification standards; 清理拖欠企业账款=arrears clearing;
拖欠=arrears; 款项支付=payments; 赋能中心=enablement centres; 服务网=service network;
公共服务=public service; 服务行动=service campaign; 示范平台=demonstration platforms;
示范基地=demonstration bases; 梯度培育=tiered cultivation; 优质企业=quality firms;
发展规划=development plan; 规划=plan; 行动计划=action plan; 三年=3-year; 标准化=standardization;
标准=standards; 指南=guide; 条例=regulations; 方案=plan; 机制=mechanism; 体系=system; 政策=policy;
法规=regulations; 人形机器人=humanoid robot; 具身智能=embodied AI; 机器人=robots;
工业机器人=industrial robots; 开源社区=open-source community; 开源=open-source; 人工智能=AI;
大模型=large models; 智能体=AI agents; 训练芯片=training chips; 芯片=chips; 算力网络=computing network;
算力=computing power; 异构算力=heterogeneous computing; 产业投资基金=industry fund;
投资基金=investment fund; 政府投资基金=government funds; 智能制造=smart manufacturing;
智能工厂=smart factory; 领航工厂=leading factories; 领军企业=leading firms;
未来制造=future manufacturing; 制造模式=manufacturing models; 制造业=manufacturing;
新兴产业=emerging industries; 未来产业=future industries; 支柱产业=pillar industries;
先导区=pilot zones; 揭榜挂帅=open competition; 重大科技项目=major S&T projects;
科技重大项目=major S&T projects; 宽带=broadband; 双万兆=dual 10-gigabit; 万兆光网=10G optical network;
千兆光网=gigabit optical network; 光网=optical network; 移动物联网=mobile IoT; 物联网=IoT;
工业互联网=industrial internet; 光通信=optical communications; 量子信息=quantum information;
量子=quantum; 信息通信=ICT; 技术研发=R&D; 研发=R&D; 产业生态=industry ecosystem;
应用产业生态=application ecosystem; 生态=ecosystem; 检验检测=testing; 科技伦理=S&T ethics;
数据安全=data security; 网络安全=cybersecurity; 安全=security; 复合型人才=cross-disciplinary talent;
人才=talent; 人工智能素养=AI literacy; 数字产业=digital industry; 数字经济=digital economy;
数字化转型=digital transformation; 技术创新=technology innovation; 创新=innovation; 绿色=green;
低碳=low-carbon; 微电网=microgrid; 氢能=hydrogen; 氢=hydrogen; 新材料=new materials; 材料=materials;
消费品=consumer goods; 品牌=brands; 北斗=BeiDou; 卫星=satellite; 低空=low-altitude; 新能源汽车=NEVs;
集成电路=chips; 工业软件=industrial software; 软件=software; 操作系统=operating systems;
专项行动=special campaign; 专项=special programme; 行动=campaign; 工程=programme; 项目=projects;
高质量发展=high-quality development; 示范=demonstration; 应用=application; 基地=bases; 平台=platforms;
中心=centres; 网络=network; 网路=network; 人工智慧=AI; 具身智慧=embodied AI; 晶片=chips; 软体=software;
资讯通讯=ICT; 宽频=broadband; 技术=technology; 产业=industry; 融合=integration; 共享=sharing;
海外=overseas; 策源地=source; 最佳实践=best practice; 知识产权=IP; 场景=scenarios; 质量=quality
"""
)
# Characters that carry no meaning of their own in an action phrase (left out of the coverage).
FILLER = set("的和与及等一批更多各类个项了在为对向从以其之并进一步全面加快持续深入")

# Traditional → simplified, one character for one so that offsets stay valid: the characters
# of these lists and common policy words (checked against OpenCC's TSCharacters table).
TRADITIONAL = (
    "萬與專業兩個箇為爲舉爭於產産從們優會倫體關興養內軍決準減幾劃則創製辦務動勵區協單佔衛卽廠雙發髮變臺檯颱後嚮啟啓員迴園圍國場堅壯備復複實寬對導將盡儘鉅佈帥帶並併廣"
    "應開異強當錄録徹態總纔紮託擴護擬掛揮據撐數鬥斷時顯術機權桿條來極構標樹檢氫汙氾汎測濟滿點環現電暢監著確穩積築籌簡類係繫緊纍纖約級綱線練組織紹經結繞絡統繼續維綠緑"
    "編網罷聯節範榮虛補裝見規計訂認訓記設識試請謀財賬質貫費資賦踐車轉軟達過還進選釋裡裏針銀長門問間聞階隨項顧頒領驗齊訊頻陸論談說億聲稱預屆週連證熱輸鏈傳營銷團夥歷樣"
    "讓屬頭學參鄉擁險壓韌衝擊賽價貿農醫藥療衆眾儲鋼鐵礦鋰輛雲隊幣濱縣鎮號戶觀邊遠運邁盤際黨講話閱讀寫書畫紀報聽層雖龍鳳飛馬魚鳥麗"
)
SIMPLIFIED = (
    "万与专业两个个为为举争于产产从们优会伦体关兴养内军决准减几划则创制办务动励区协单占卫即厂双发发变台台台后向启启员回园围国场坚壮备复复实宽对导将尽尽巨布帅带并并广"
    "应开异强当录录彻态总才扎托扩护拟挂挥据撑数斗断时显术机权杆条来极构标树检氢污泛泛测济满点环现电畅监着确稳积筑筹简类系系紧累纤约级纲线练组织绍经结绕络统继续维绿绿"
    "编网罢联节范荣虚补装见规计订认训记设识试请谋财账质贯费资赋践车转软达过还进选释里里针银长门问间闻阶随项顾颁领验齐讯频陆论谈说亿声称预届周连证热输链传营销团伙历样"
    "让属头学参乡拥险压韧冲击赛价贸农医药疗众众储钢铁矿锂辆云队币滨县镇号户观边远运迈盘际党讲话阅读写书画纪报听层虽龙凤飞马鱼鸟丽"
)


# --- lookups ---------------------------------------------------------------------------------

HAN = re.compile(r"[\u3400-\u9fff]")
_T2S = str.maketrans(TRADITIONAL, SIMPLIFIED)
_AREAS = {
    area: re.compile("|".join(w if HAN.search(w) else rf"\b{w}" for w in words), re.I)
    for area, words in AREA_KEYWORDS.items()
}
_GLOSSARY_RE = re.compile("|".join(map(re.escape, sorted(GLOSSARY, key=len, reverse=True))))
_VERB_RE = re.compile("|".join(map(re.escape, sorted(VERB_EN, key=len, reverse=True))))


def to_simplified(text: str) -> str:
    """Traditional characters as simplified ones; same length, so offsets still hold."""
    return text.translate(_T2S)


def owner_of(text: str) -> str | None:
    """The first responsible body the text names (MIIT, NDRC…)."""
    m = OWNER_RE.search(text)
    return OWNER_OF[m.group()] if m else None


def main_owner(text: str) -> str | None:
    """The body a whole announcement names most often."""
    counts: dict[str, int] = {}
    for m in OWNER_RE.finditer(text):
        counts[OWNER_OF[m.group()]] = counts.get(OWNER_OF[m.group()], 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def area_of(own: str, context: list[tuple[str, int]]) -> str | None:
    """The area the commitment's own words name (the context breaks ties), else the one whose
    words weigh most in the (text, weight) context; None when no area is named."""
    mine = _area_counts(own)
    around = [_area_counts(s) for s, _ in context]
    scores = {
        area: (mine[i], sum(w * counts[i] for (_, w), counts in zip(context, around, strict=True)))
        for i, area in enumerate(_AREAS)
    }
    best = max(scores, key=lambda a: scores[a])
    return best if scores[best] > (0, 0) else None


@lru_cache(maxsize=512)
def _area_counts(text: str) -> tuple[int, ...]:
    """How often each area's words occur (cached: the same paragraph serves many candidates)."""
    return tuple(len(pattern.findall(text)) for pattern in _AREAS.values())


def gloss(phrase: str, topic: str = "") -> tuple[str | None, list[str], float]:
    """English verb of a Chinese action phrase, glossary words (the topic's first) and the
    share of the text they cover."""
    m = _VERB_RE.match(phrase)
    verb = m.group() if m else ""
    text = topic + phrase[len(verb) :]
    words: list[str] = []
    covered, i = len(verb), 0
    while i < len(text):
        hit = m.group() if (m := _GLOSSARY_RE.match(text, i)) else ""
        if hit and GLOSSARY[hit] not in words:
            words.append(GLOSSARY[hit])
        step = len(hit) or 1
        covered += step if hit or text[i] in FILLER or not HAN.match(text[i]) else 0
        i += step
    return VERB_EN.get(verb), words, covered / max(1, len(text) + len(verb))
