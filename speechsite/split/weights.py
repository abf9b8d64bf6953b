"""Every number of the segmentation model in one place, in log-odds-like units: what a sign of a start (or against one)
adds to a gap's score, how titles weigh, how markers are calibrated.

The figures are hand-set: chosen on the seed, checked by the property tests and on the development set
(../shared/corpora: 《邓小平文选》 1-2, 《毛泽东选集》 1-2 in four shapes). ``python benchmarks/fit_weights.py`` fits
them by coordinate search on that set and on synthetic recombinations of the seed; with one author held out it did
not help the other (《毛泽东选集》 130 → 123 exact), so none of its figures is used. Re-fit there, with a held-out
check, rather than re-tune here.
"""

BOUNDARY_COST = 3.0           # every boundary must be paid for by evidence
LONGER_BLANK_RUN = 4.0        # more blank lines than the usual paragraph gap
SHORTER_BLANK_RUN = -1.0      # fewer blank lines than usual (lines glued together)
SALUTATION_WITH_COLON = 3.5   # 同志们: / 各位嘉宾、各位朋友: (inside a speech the address ends with ! or ,)
SALUTATION_OTHER = 1.0        # 同志们、朋友们! also recurs inside speeches
MEETING_OPENING = 2.5         # 今天我们召开… / 根据…安排 in a first sentence that names the occasion
PLAIN_OPENING = 0.5           # 根据… / 按照… / 刚才… without naming the occasion
CLOSING = 1.5                 # 谢谢大家 / 我就讲这么多 / 预祝…圆满成功 / a closing 同志们!… paragraph
ENUMERATION_CONTINUES = -8.0  # 二、 / 三是 / (二) / 第二 / 其次 / 答: cannot open a speech
NAMED_ASKER = 2.0             # 记者问: — an interview opens with its asker named; later questions are bare 问:
REFERS_BACK = -4.0            # 以上… / 总之… / 因此… refer to what came before: rarely a speech's first words
AFTER_HEADING = -4.0          # nor on a section heading: a heading belongs to the text after it
AFTER_SALUTATION = -8.0       # a speech does not end on 同志们: — what follows a salutation belongs to it
CLOSING_FORMULA = -8.0        # nor does one open with 谢谢大家 or 我就讲这么多
TITLE_IN_OPENING = 3.0        # weight of the title's pairs found in a segment's first paragraphs
ASKER_IN_TITLE = 2.0          # an opening question's asker (贝问:) named in a title (…贝特兰的谈话): for that entry,
                              # as much as NAMED_ASKER says of a start (set equal to it, not tuned: the development
                              # set's one such case splits right from 1.2 to 10 and more)
TITLE_IN_BODY = 0.6           # weight per paragraph of the title match across the segment
SKIPPED_ENTRY = 3.0           # a TOC entry with no body between two entries that have one
EDITORS_NOTE = 1.5            # a note in parentheses closing, or a note naming the piece opening, before calibration
TOPIC_SHIFT = 1.5             # per standard deviation the vocabulary across a gap differs more than usual
TOPIC_WINDOW = 6              # paragraphs on each side of a gap whose vocabulary is compared
MARKER_PRECISION_CAP = 0.95   # however often a marker recurs, one in twenty may be text that looks like it
MARKER_MIN_COUNT = 5          # fewer occurrences than this are too few to tell a marker from chance
OPENING_WINDOW = 3            # paragraphs that count as a segment's opening
WEAK_PAIR_SHARE = 0.5         # title pairs in more than half the paragraphs say nothing; left out (and cost time)
MARKER_LINE_MAX_CHARS = 12     # a recurring line this short (a byline, a salutation) can be a marker of its own
