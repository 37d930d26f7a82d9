"""A made-up corpus for frame suggestions: one story (a steel plant closes) told three ways in every article.

Each of the twelve articles has a passage on jobs, one on pollution and one on
the town's heritage. The lexicon (`LEXICON`) knows the first two framings,
not the third; "Millbrook", the town, is a name that the heritage passages
use far more than the rest.
"""

from dashboard.loading import article_id, corpus_hash
from dashboard.models import Article, Corpus

JOBS = [
    "About 1,200 workers lose their jobs when the plant closes, and the union expects more layoffs at suppliers; unemployment in the county could double.",
    "The layoffs hit families hard: wages at the plant were the best in the region, and unemployment benefits cover only half of them.",
    "Union leaders said the jobs will not come back, and that layoffs at the rail yard and the trucking firms would follow within months.",
    "Economists warned that unemployment would rise to ten percent once the layoffs are complete and that wages in the county would fall.",
    "Workers queued at the job centre on Monday; the layoffs leave few jobs in the valley that pay comparable wages.",
    "The company promised retraining, but workers doubt there are jobs for welders nearby, and unemployment is already high.",
    "Local shops fear for their trade as the layoffs take wages out of the town and unemployment spreads to the high street.",
    "Half of the laid-off workers are over fifty, and the union says layoffs at that age often mean long unemployment and lower wages.",
    "The council estimates that every job at the plant supports two more, so the layoffs could cost the county three thousand jobs.",
    "Apprentices who signed on last year are among the layoffs; they say there are no jobs for them and unemployment offices are full.",
    "Contractors at the plant were told on Friday that their jobs end this month, and that severance will be a few weeks of wages.",
    "With the layoffs, household incomes in the valley will fall, and the unemployment rate among young men is already the highest in the state.",
]
POLLUTION = [
    "Environmental groups said the site is contaminated with toxic sludge and that emissions from the furnaces left pollution in the river.",
    "Tests found toxic metals in the soil near the furnaces; residents blame decades of emissions and pollution for their illnesses.",
    "The regulator said cleaning up the contaminated land could take a decade, and that pollution from the slag heaps still reaches the river.",
    "Doctors in the valley say asthma rates fell as emissions stopped, but toxic dust from the slag heaps remains a source of pollution.",
    "Campaigners want the owners to pay for the cleanup of contaminated ground and toxic ponds before the land is sold.",
    "Fishermen say the pollution killed the river for years, and that the toxic runoff from the site is still not contained.",
    "The environment agency recorded emissions above the legal limit for years, and found contaminated water under the plant.",
    "Residents near the plant hope the end of emissions means cleaner air, but the toxic waste left behind is a new pollution worry.",
    "Inspectors found drums of toxic solvent on the site and say the groundwater is contaminated; the pollution could spread after the closure.",
    "Air quality monitors show emissions have dropped since the furnaces cooled, yet toxic particles and old pollution linger in gardens.",
    "Lawyers for residents say the owners knew the soil was contaminated and hid the toxic emissions data from the regulator.",
    "A study of the estuary found pollution from the plant's outfall, with toxic sediment and contaminated shellfish beds.",
]
HERITAGE = [
    "For three generations the furnaces shaped Millbrook, and many families keep a grandfather's helmet at home; the heritage of steelmaking is a tradition they want the museum to preserve.",
    "At the Millbrook Historical Society, volunteers collect memories of the works: photographs of grandfathers, old tools and songs, a heritage that spans generations.",
    "The mayor of Millbrook proposed a museum in the old casting hall so that the tradition of steelmaking, passed down through generations, is not forgotten.",
    "Older residents share memories of the works in the pub: their grandfathers and fathers worked the furnaces, and the tradition defined Millbrook for generations.",
    "A Millbrook choir founded by steelworkers in 1921 will sing at the last shift, a tradition that carries the memories and heritage of the works.",
    "Historians in Millbrook want the blast furnace kept standing as a monument, because the heritage of the works belongs to generations who built the town.",
    "Millbrook schoolchildren interviewed their grandfathers about life at the works; the memories will go on show in the museum next spring.",
    "In Millbrook the plant was more than work: it was a tradition, a heritage handed from grandfathers to grandsons for generations.",
    "The Millbrook brass band kept the tradition alive for generations, and its members hope the museum will keep their memories and heritage too.",
    "Millbrook families brought memories to the open day: a grandfather's pay slip, a wedding photo at the gates, the heritage of four generations.",
    "A mural of grandfathers at the furnaces will mark the heritage of the works, a tradition the town wants the next generations to remember.",
    "The museum archive holds memories recorded over generations, and its curator calls the plant the heritage and tradition of Millbrook.",
]
SOURCES = ["Courier", "Gazette", "Herald", "Post", "Times", "Star", "Observer", "Chronicle", "Record", "Tribune", "Sentinel", "Mail"]
LEXICON = """
[frames.jobs]
label = "Jobs and livelihoods"
description = "The closure is about work lost."
terms = ["jobs", "layoff*", "unemploy*", "wages"]

[frames.pollution]
label = "Pollution"
description = "The closure is about what the plant left in the ground, water and air."
terms = ["pollution", "toxic", "emission*", "contaminat*"]
"""
HERITAGE_WORDS = {"heritage", "generations", "tradition", "memories", "museum", "grandfathers"}


def texts() -> list[str]:
    return [f"{JOBS[i]}\n\n{POLLUTION[i]}\n\n{HERITAGE[i]}" for i in range(len(SOURCES))]


def corpus() -> Corpus:
    articles = [Article(id=article_id(t, s), text=t, source=s, title=f"The plant closes ({s})")
                for t, s in zip(texts(), SOURCES)]
    return Corpus(articles, content_hash=corpus_hash(articles))
