"""The split: where each speech's body begins and ends, aligned to the table of contents. ``shapes`` says what single
lines look like, ``evidence`` what each gap between paragraphs shows, ``titles`` what the TOC titles show,
``alignment`` chooses the speeches and their confidence, and ``weights`` holds every number they use."""
