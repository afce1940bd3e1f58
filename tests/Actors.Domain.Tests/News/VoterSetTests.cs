using System.Text.Json;
using Actors.News;

namespace Actors.Tests.News;

public class VoterSetTests
{
    [Fact]
    public void Adding_a_voter_leaves_the_older_version_as_it_was()
    {
        VoterSet before = [1, 2];

        var after = before.Add(3);

        Assert.Equal([1, 2], before);
        Assert.False(before.Contains(3));
        Assert.Equal([1, 2, 3], after);
        Assert.True(after.Contains(3));
    }

    [Fact]
    public void Two_different_voters_added_to_the_same_version_make_two_independent_sets()
    {
        var common = VoterSet.Empty.Add(1).Add(2);

        var withThree = common.Add(3);
        var withFour = common.Add(4);

        Assert.Equal([1, 2, 3], withThree);
        Assert.Equal([1, 2, 4], withFour);
        Assert.False(withThree.Contains(4));
        Assert.False(withFour.Contains(3));
        Assert.Equal([1, 2, 3, 5], withThree.Add(5));
        Assert.Equal([1, 2, 4, 6], withFour.Add(6));
    }

    [Fact]
    public void Adding_a_voter_already_in_is_the_same_set()
    {
        VoterSet voters = [1, 2];

        Assert.Same(voters, voters.Add(2));
    }

    [Fact]
    public void The_empty_set_is_never_changed_by_adds()
    {
        var one = VoterSet.Empty.Add(1);
        var two = VoterSet.Empty.Add(2);

        Assert.Empty(VoterSet.Empty);
        Assert.Equal([1], one);
        Assert.Equal([2], two);
    }

    [Fact]
    public void Sets_with_the_same_members_are_equal()
    {
        Assert.Equal(VoterSet.Empty.Add(1).Add(2), VoterSet.Empty.Add(2).Add(1));
        Assert.NotEqual(VoterSet.Empty.Add(1), VoterSet.Empty.Add(2));
    }

    [Fact]
    public void A_set_round_trips_through_json_as_an_array()
    {
        var voters = VoterSet.Empty.Add(5).Add(7);

        var json = JsonSerializer.Serialize(voters);

        Assert.Equal("[5,7]", json);
        Assert.Equal(voters, JsonSerializer.Deserialize<VoterSet>(json));
    }

    [Fact]
    public void Adding_the_same_voter_to_the_same_version_twice_gives_equal_sets()
    {
        var common = VoterSet.Empty.Add(1).Add(2);

        var first = common.Add(3);
        var second = common.Add(3);

        Assert.Equal(first, second);
        Assert.Equal([1, 2, 3, 4], second.Add(4));
        Assert.Equal([1, 2, 3, 5], first.Add(5));
    }
}
