using Actors.News;
using Actors.Users;

namespace Actors.Tests.News;

[Collection(ClusterCollection.Name)]
public class CommentAndActivityTests(ClusterFixture fixture) : NewsGrainTestBase(fixture)
{
    [Fact]
    public async Task A_reply_counts_for_the_parent_author_and_comments_are_counted_on_the_news()
    {
        var alice = await NewUser();
        var bob = await NewUser();
        var id = await Submit(alice);

        var first = await News(id).PostComment(alice, -1, "first");
        var reply = await News(id).PostComment(bob, first.Id, "reply");

        Assert.Equal((1L, "insert"), (first.Id, first.Op));
        Assert.Equal(2, reply.Id);
        await Eventually(async () => (await Grains.GetGrain<IUserGrain>(alice).GetProfile())!.Replies == 1, "the reply is noted");
        await Eventually(async () => (await Ranking.GetMany([id])).SingleOrDefault()?.Comments == 2, "the list counts two comments");
    }

    [Fact]
    public async Task A_deleted_comment_keeps_its_place_without_body()
    {
        var alice = await NewUser();
        var bob = await NewUser();
        var id = await Submit(alice);
        await News(id).PostComment(bob, -1, "oops");
        await News(id).PostComment(alice, 1, "reply");

        var deleted = await News(id).EditComment(bob, 1, "");

        Assert.Equal("delete", deleted.Op);
        var thread = (await News(id).GetThread(alice))!;
        Assert.Equal(2, thread.Comments.Count);
        Assert.Null(thread.Comments[0].Body);
        Assert.True(thread.Comments[0].Deleted);
        Assert.Equal(VoteDirection.Up, thread.Comments[1].Voted);
        Assert.Equal(1, thread.News.Comments);
    }

    [Fact]
    public async Task A_comment_vote_is_one_per_user()
    {
        var alice = await NewUser();
        var bob = await NewUser();
        var id = await Submit(alice);
        await News(id).PostComment(alice, -1, "hi");

        Assert.Null((await News(id).VoteComment(bob, 1, VoteDirection.Down)).Rejection);
        Assert.Equal(NewsRejections.CommentVoteRefused, (await News(id).VoteComment(bob, 1, VoteDirection.Up)).Rejection);

        var comment = (await News(id).GetThread(bob))!.Comments.Single();
        Assert.Equal((1, 1, VoteDirection.Down), (comment.Up, comment.Down, comment.Voted));
    }

    [Fact]
    public async Task The_users_lists_show_posted_saved_and_commented_newest_first()
    {
        var alice = await NewUser();
        var bob = await NewUser();
        var mine = await Submit(alice);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var bobs = await Submit(bob);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await News(bobs).Vote(alice, VoteDirection.Up);
        await News(bobs).PostComment(alice, -1, "nice");
        var activity = Grains.GetGrain<IUserNewsGrain>(alice);

        await Eventually(async () => (await activity.GetComments(0, 10)).Total == 1, "the comment is listed");
        await Eventually(async () => (await activity.GetSaved(0, 10)).Items.SequenceEqual([bobs, mine]), "saved holds both up-votes");
        Assert.Equal([mine], (await activity.GetPosted(0, 10)).Items);
        Assert.Equal(new CommentRef(bobs, 1, Clock.GetUtcNow().ToUnixTimeSeconds()), (await activity.GetComments(0, 10)).Items.Single());
        var votes = await activity.GetVotes([mine, bobs, 999_999]);
        Assert.Equal(2, votes.Count);
    }
}
