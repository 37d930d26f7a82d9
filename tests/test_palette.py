"""Cluster colours: one per cluster in every chart, stable, and told apart well past ten clusters."""

from itertools import combinations

from dashboard.ui import palette


def test_the_first_twenty_cluster_colours_are_clearly_different_from_each_other_and_from_grey():
    colours = [palette.cluster_colour(i) for i in range(1, 21)]
    assert len(set(colours)) == 20
    assert min(palette.distance(a, b) for a, b in combinations(colours, 2)) >= 25  # CIE76: clearly another colour
    assert min(palette.distance(c, palette.OTHER) for c in colours) >= 20


def test_up_to_fifty_clusters_stay_distinguishable():
    colours = [palette.cluster_colour(i) for i in range(1, 51)]
    assert min(palette.distance(a, b) for a, b in combinations(colours, 2)) >= 12


def test_a_cluster_keeps_its_colour_whatever_else_is_drawn():
    assert palette.cluster_colour(3) == palette.colour(2) == palette.cluster_colour(3)
    names = ["Reuters", "other sources", "CNN", "Fox News"]
    first = palette.colour_map(names, other="other sources")
    assert first["other sources"] == palette.OTHER
    assert first["Reuters"] == palette.colour(0) and first["CNN"] == palette.colour(1)
    assert palette.colour_map(names, other="other sources") == first


def test_distance_is_zero_for_one_colour_and_large_for_black_and_white():
    assert palette.distance("#4e79a7", "#4e79a7") == 0
    assert palette.distance("#000000", "#ffffff") > 99
