using Actors.News;
using Orleans.Core.Internal;

namespace Actors.Tests.News;

[Collection(ClusterCollection.Name)]
public class SubmissionTests(ClusterFixture fixture) : NewsGrainTestBase(fixture)
{
    [Fact]
    public async Task A_submitted_news_appears_first_in_latest_and_in_top_with_its_automatic_vote()
    {
        var alice = await NewUser();

        var id = await Submit(alice);

        await Eventually(async () => (await LatestIds()).Contains(id) && (await TopIds()).Contains(id), "the news is listed");

        var view = (await Ranking.GetMany([id])).Single();
        Assert.Equal(1, view.Up);
        Assert.Equal(1, view.Score);
        Assert.Equal(alice, view.UserId);
        Assert.Equal(id, (await News(id).Get())!.Id);
    }

    [Fact]
    public async Task News_ids_follow_on_across_a_restart_of_their_allocator_and_never_repeat()
    {
        var allocator = Grains.GetGrain<INewsIdAllocatorGrain>(0);
        var before = await allocator.Next();

        await allocator.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var ids = new List<long>();
        for (var i = 0; i < NewsIdAllocatorGrain.Block + 3; i++)
        {
            ids.Add(await allocator.Next());
        }

        Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => before + i), ids); // the unused rest of the block given back
    }

    [Fact]
    public async Task A_url_posted_recently_answers_the_existing_id_and_creates_nothing()
    {
        var alice = await NewUser();
        var bob = await NewUser();
        var url = FreshUrl();
        var first = await Submit(alice, url);

        var again = await Grains.GetGrain<INewsAuthorGrain>(bob).Submit("Same link", url, "");

        Assert.Null(again.Rejection);
        Assert.Equal(first, again.Id);
        // Bob created nothing, so he is not in a submission break either.
        Assert.Null((await Grains.GetGrain<INewsAuthorGrain>(bob).Submit("Other", FreshUrl(), "")).Rejection);
    }

    [Fact]
    public async Task A_deleted_news_releases_its_url()
    {
        var alice = await NewUser();
        var bob = await NewUser();
        var url = FreshUrl();
        var first = await Submit(alice, url);
        Assert.Null((await News(first).Delete(alice)).Rejection);

        var repost = await Submit(bob, url);

        Assert.NotEqual(first, repost);
    }

    [Fact]
    public async Task The_url_guard_expires_after_the_repost_time()
    {
        var alice = await NewUser();
        var bob = await NewUser();
        var url = FreshUrl();
        var first = await Submit(alice, url);

        Clock.Advance(TimeSpan.FromSeconds(new NewsOptions().PreventRepostTimeSeconds + 1));
        var repost = await Submit(bob, url);

        Assert.NotEqual(first, repost);
    }

    [Fact]
    public async Task A_second_submission_within_the_break_is_refused_with_the_seconds_left()
    {
        var alice = await NewUser();
        await Submit(alice);
        Clock.Advance(TimeSpan.FromSeconds(100));

        var second = await Grains.GetGrain<INewsAuthorGrain>(alice).Submit("Again", FreshUrl(), "");

        Assert.Equal(NewsRejections.SubmittedTooRecently(new NewsOptions().NewsSubmissionBreakSeconds - 100), second.Rejection);
    }

    [Fact]
    public async Task The_admin_has_no_submission_break()
    {
        var admin = await Admin();

        await Submit(admin);
        await Submit(admin);
    }

    [Fact]
    public async Task Text_posts_are_never_deduplicated()
    {
        var alice = await Admin();
        var a = await Grains.GetGrain<INewsAuthorGrain>(alice).Submit("Ask", "", "same text");
        var b = await Grains.GetGrain<INewsAuthorGrain>(alice).Submit("Ask", "", "same text");

        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal("text://same text", (await News(a.Id).Get())!.Url);
    }

    [Fact]
    public async Task An_edit_may_not_take_a_url_another_news_holds_but_frees_its_old_one()
    {
        var alice = await NewUser();
        var bob = await NewUser();
        var taken = FreshUrl();
        await Submit(bob, taken);
        var oldUrl = FreshUrl();
        var mine = await Submit(alice, oldUrl);

        Assert.Equal(NewsRejections.EditRefused, (await News(mine).Edit(alice, "T", taken, "")).Rejection);
        var newUrl = FreshUrl();
        Assert.Null((await News(mine).Edit(alice, "T", newUrl, "")).Rejection);

        var carol = await NewUser();
        Assert.NotEqual(mine, await Submit(carol, oldUrl));
        var dave = await NewUser();
        Assert.Equal(mine, (await Grains.GetGrain<INewsAuthorGrain>(dave).Submit("dup", newUrl, "")).Id);
    }

    [Fact]
    public async Task The_views_tell_until_when_the_author_may_edit_and_a_deleted_news_has_no_window()
    {
        var alice = await NewUser();
        var id = await Submit(alice);

        var view = (await News(id).Get())!;
        Assert.Equal(view.CreatedAt + new NewsOptions().NewsEditTimeSeconds, view.EditableUntil);
        await Eventually(async () => (await Ranking.GetMany([id])).SingleOrDefault()?.EditableUntil == view.EditableUntil, "the lists show the same window");

        Assert.Null((await News(id).Delete(alice)).Rejection);
        Assert.Null((await News(id).Get())!.EditableUntil);
        await Eventually(async () => (await Ranking.GetMany([id])).SingleOrDefault() is { Deleted: true, EditableUntil: null }, "the lists close it too");
    }

    [Fact]
    public async Task An_admin_may_delete_someone_elses_old_news_and_it_leaves_the_lists()
    {
        var alice = await NewUser();
        var admin = await Admin();
        var id = await Submit(alice);
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(NewsRejections.DeleteRefused, (await News(id).Delete(alice)).Rejection);

        await Eventually(async () => (await LatestIds()).Contains(id), "the news is listed");

        Assert.Null((await News(id).Delete(admin)).Rejection);

        await Eventually(async () => (await Ranking.GetMany([id])).SingleOrDefault()?.Deleted == true, "the deletion reaches the lists");
        Assert.DoesNotContain(id, await TopIds());
        Assert.DoesNotContain(id, await LatestIds());
    }
}
