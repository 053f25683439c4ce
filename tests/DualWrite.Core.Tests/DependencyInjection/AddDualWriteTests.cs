using System.Diagnostics.Metrics;
using DualWrite.Core.Diagnostics;
using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;
using DualWrite.Hosting.DependencyInjection;
using DualWrite.Hosting.Flags;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DualWrite.Core.Tests.DependencyInjection;

public sealed class AddDualWriteTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private sealed class Rig
    {
        public InMemoryVersionedStore<long, string> Old { get; } = new();

        public InMemoryVersionedStore<long, string> New { get; } = new();

        public InMemoryRepairLog<long> Log { get; } = new();

        public InMemoryPhaseSource Phases { get; } = new(MigrationPhase.DualWriteReadOld);

        public IHost Build(Dictionary<string, string?> settings, bool withPhaseSource = true, string entity = "orders")
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(settings);
            var dualWrite = builder.Services.AddDualWrite(builder.Configuration.GetSection("DualWrite"))
                .AddEntity(entity, _ => Old, _ => New, _ => Log);
            if (withPhaseSource)
            {
                dualWrite.UsePhaseSource(_ => Phases);
            }

            return builder.Build();
        }
    }

    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => (string?)p.Value);

    [Fact]
    public async Task ConfiguredEntity_ResolvesTheDecorator_WithItsBoundOptions()
    {
        var rig = new Rig();
        using var host = rig.Build(Settings(("DualWrite:Entities:orders:SecondaryWrites:MaxRetryAttempts", "0"), ("DualWrite:RepairInterval", "00:00:00.05")));
        await host.StartAsync(Ct);

        var store = host.Services.GetRequiredKeyedService<IVersionedStore<long, string>>("orders");
        await store.UpsertAsync(new(1, 5, "a"), Ct);

        store.Should().BeOfType<DualWriteStore<long, string>>();
        (await rig.New.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 5, "a"));
        host.Services.GetRequiredService<IOptions<Hosting.Options.DualWriteOptions>>().Value.For("orders").SecondaryWrites.MaxRetryAttempts.Should().Be(0);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task UseFeatureFlagPhases_RoutesByTheEntitysFlag_AndFollowsAReload()
    {
        var settings = new Dictionary<string, string?>();
        PhaseFlagSchema.WriteVariantFlag(settings, 0, "DualWrite.orders", nameof(MigrationPhase.DualWriteReadNew));
        var flags = new ReloadableSource(settings);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ((IConfigurationBuilder)builder.Configuration).Add(flags);
        var old = new InMemoryVersionedStore<long, string>();
        var @new = new InMemoryVersionedStore<long, string>();
        builder.Services.AddDualWrite(builder.Configuration.GetSection("DualWrite"))
            .UseFeatureFlagPhases()
            .AddEntity("orders", _ => old, _ => @new, _ => new InMemoryRepairLog<long>());
        using var host = builder.Build();
        await host.StartAsync(Ct);
        await old.UpsertAsync(new(1, 1, "old"), Ct);
        await @new.UpsertAsync(new(1, 2, "new"), Ct);
        var store = host.Services.GetRequiredKeyedService<IVersionedStore<long, string>>("orders");
        var phases = host.Services.GetRequiredService<IPhaseSource>();

        phases.Should().BeOfType<FeatureFlagPhaseSource>();
        (await store.GetAsync(1, Ct))!.Value.Should().Be("new");

        flags.SetPhase("DualWrite.orders", nameof(MigrationPhase.DualWriteReadOld));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (phases.GetPhase("orders") != MigrationPhase.DualWriteReadOld && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, Ct);
        }

        (await store.GetAsync(1, Ct))!.Value.Should().Be("old", "a backward flip takes effect on the next call");
        await host.StopAsync(Ct);
    }

    /// <summary>A configuration source whose flags can be changed, signalling a reload like a flag service would.</summary>
    private sealed class ReloadableSource(Dictionary<string, string?> initial) : ConfigurationProvider, IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

        public override void Load() => Data = new Dictionary<string, string?>(initial, StringComparer.OrdinalIgnoreCase);

        public void SetPhase(string flag, string phase)
        {
            var data = new Dictionary<string, string?>();
            PhaseFlagSchema.WriteVariantFlag(data, 0, flag, phase);
            initial = data;
            Load();
            OnReload();
        }
    }

    [Fact]
    public async Task BackgroundRepairWorker_RepairsAFailedSecondaryWrite()
    {
        var rig = new Rig();
        using var host = rig.Build(Settings(("DualWrite:Entities:orders:SecondaryWrites:MaxRetryAttempts", "0"), ("DualWrite:RepairInterval", "00:00:00.02")));
        var store = host.Services.GetRequiredKeyedService<IVersionedStore<long, string>>("orders");
        rig.New.FailNextWrites(1, new TimeoutException("down"));
        await store.UpsertAsync(new(1, 5, "a"), Ct);
        rig.Log.PendingCount.Should().Be(1);

        await host.StartAsync(Ct);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (rig.Log.PendingCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, Ct);
        }

        rig.Log.PendingCount.Should().Be(0);
        (await rig.New.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 5, "a"));
        await host.StopAsync(Ct);
    }

    [Theory]
    [InlineData("DualWrite:Entities:orders:ShadowReads:SampleRate", "2")]
    [InlineData("DualWrite:Entities:orders:SecondaryWrites:AttemptTimeout", "00:00:00")]
    [InlineData("DualWrite:Entities:orders:AutoRollback:MaxSecondaryErrorRate", "-0.5")]
    [InlineData("DualWrite:RepairInterval", "-00:00:01")]
    public async Task InvalidSetting_FailsStartUp_NamingIt(string key, string value)
    {
        using var host = new Rig().Build(Settings((key, value)));

        var act = async () => await host.StartAsync(Ct);

        (await act.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain(key);
    }

    [Fact]
    public async Task SettingsForAnUnregisteredEntity_FailStartUp_NamingTheRegisteredOnes()
    {
        using var host = new Rig().Build(Settings(("DualWrite:Entities:ordres:ShadowReads:SampleRate", "0.5")));

        var act = async () => await host.StartAsync(Ct);

        (await act.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("ordres").And.Contain("registered: orders");
    }

    [Fact]
    public async Task MissingPhaseSource_FailsStartUp()
    {
        using var host = new Rig().Build([], withPhaseSource: false);

        var act = async () => await host.StartAsync(Ct);

        (await act.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("phase source");
    }

    [Fact]
    public void MisspelledSetting_IsRefused()
    {
        using var host = new Rig().Build(Settings(("DualWrite:Entities:orders:ShadowReads:SampleRatio", "0.5")));

        var act = () => host.Services.GetRequiredService<IOptions<Hosting.Options.DualWriteOptions>>().Value;

        act.Should().Throw<InvalidOperationException>().Which.ToString().Should().Contain("SampleRatio");
    }

    [Fact]
    public void SameEntityTwice_IsRefused()
    {
        var services = new ServiceCollection();
        var builder = services.AddDualWrite(_ => { }).AddEntity<long, string>("orders", _ => new InMemoryVersionedStore<long, string>(), _ => new InMemoryVersionedStore<long, string>(), _ => new InMemoryRepairLog<long>());

        var act = () => builder.AddEntity<long, string>("orders", _ => new InMemoryVersionedStore<long, string>(), _ => new InMemoryVersionedStore<long, string>(), _ => new InMemoryRepairLog<long>());

        act.Should().Throw<ArgumentException>().WithMessage("*orders*already*");
    }

    [Fact]
    public async Task Metrics_CountOperationsPerEntityAndStore_AndReportThePhase()
    {
        var rig = new Rig();
        using var host = rig.Build([]);
        var operations = new List<(long Value, string Store, string Operation)>();
        var phases = new List<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == DualWriteMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "dualwrite.operations")
            {
                var t = tags.ToArray().ToDictionary(x => x.Key, x => x.Value as string);
                t["entity"].Should().Be("orders");
                lock (operations)
                {
                    operations.Add((value, t["store"]!, t["operation"]!));
                }
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            if (instrument.Name == "dualwrite.phase")
            {
                phases.Add(value);
            }
        });
        listener.Start();

        var store = host.Services.GetRequiredKeyedService<IVersionedStore<long, string>>("orders");
        await store.UpsertAsync(new(1, 5, "a"), Ct);
        await store.GetAsync(1, Ct);
        listener.RecordObservableInstruments();

        operations.Should().Contain([(1, "old", "upsert"), (1, "new", "upsert"), (1, "old", "get")]);
        phases.Should().Contain((int)MigrationPhase.DualWriteReadOld);
    }
}
