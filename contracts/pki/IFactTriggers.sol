// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IFactTriggers
/// @notice Contracts that act on external facts (ITU ENT-001): a registered asset's holder sets a trigger that moves
/// the asset to a new holder once an external fact (e.g. a satellite observation) is reported with the expected
/// value by `threshold` of the trigger's independent reporters (a threshold oracle). Then a dispute window runs, in
/// which the holder or any of the reporters can stop it; after it anyone may execute the move. No single reporter
/// can fire a trigger: the threshold is at least 2 and none of the reporters is the holder or the new holder.
interface IFactTriggers {
    /// @notice Life of a trigger.
    enum TriggerState {
        None,
        Open,
        Armed,
        Disputed,
        Executed
    }

    /// @notice A registered asset (its id derives from the registrant and a salt).
    struct Asset {
        address holder;
        address registrant;
    }

    /// @notice A trigger as the chain keeps it.
    struct Trigger {
        bytes32 assetId;
        bytes32 factKey;
        bytes32 expectedValue;
        address holder;
        address newHolder;
        uint16 threshold;
        uint16 matching;
        uint32 disputeWindow;
        uint64 firesAt;
        TriggerState state;
    }

    /// @notice Thrown when the caller is not a consortium member.
    error NotAMember(address caller);
    /// @notice Thrown when an argument is unusable; `field` names it.
    error InvalidTrigger(string field);
    /// @notice Thrown when an asset with this id exists already.
    error AssetExists(bytes32 assetId);
    /// @notice Thrown when no asset has this id.
    error UnknownAsset(bytes32 assetId);
    /// @notice Thrown when the caller does not hold the asset.
    error NotTheHolder(bytes32 assetId, address caller);
    /// @notice Thrown when a trigger with this id exists already.
    error TriggerExists(bytes32 triggerId);
    /// @notice Thrown when no trigger has this id.
    error UnknownTrigger(bytes32 triggerId);
    /// @notice Thrown when the caller is not one of the trigger's reporters.
    error NotAReporter(bytes32 triggerId, address caller);
    /// @notice Thrown when this reporter reported on the trigger already.
    error AlreadyReported(bytes32 triggerId, address reporter);
    /// @notice Thrown when the trigger is not in the state the call needs.
    error WrongTriggerState(bytes32 triggerId, TriggerState state);
    /// @notice Thrown when executing a trigger fewer reporters than the threshold agreed on.
    error ThresholdNotReached(bytes32 triggerId, uint16 matching, uint16 threshold);
    /// @notice Thrown when executing before the dispute window closed.
    error DisputeWindowOpen(bytes32 triggerId, uint64 firesAt);
    /// @notice Thrown when disputing after the dispute window closed.
    error DisputeWindowClosed(bytes32 triggerId, uint64 firesAt);
    /// @notice Thrown when the asset changed hands since the trigger was set.
    error HolderChanged(bytes32 assetId, address holder);

    /// @notice An asset was registered to `holder`.
    event AssetRegistered(bytes32 indexed assetId, address indexed holder);
    /// @notice The holder set a trigger on its asset.
    event TriggerCreated(
        bytes32 indexed triggerId,
        bytes32 indexed assetId,
        bytes32 factKey,
        bytes32 expectedValue,
        address newHolder,
        address[] reporters,
        uint16 threshold,
        uint32 disputeWindow
    );
    /// @notice A reporter reported the fact's value; `matching` counts the reports of the expected value.
    event FactReported(bytes32 indexed triggerId, address indexed reporter, bytes32 value, uint16 matching);
    /// @notice The threshold agreed: the trigger fires at `firesAt` unless disputed.
    event TriggerArmed(bytes32 indexed triggerId, uint64 firesAt);
    /// @notice The holder or a reporter disputed the armed trigger: it never fires.
    event TriggerDisputed(bytes32 indexed triggerId, address indexed by);
    /// @notice The trigger fired: the asset moved.
    event TriggerExecuted(bytes32 indexed triggerId, bytes32 indexed assetId, address from, address to);

    /// @notice Registers an asset held by the caller. Requirements: caller is a member; id unused.
    /// Emits AssetRegistered.
    function registerAsset(bytes32 salt) external returns (bytes32 assetId);

    /// @notice Sets a trigger moving the caller's asset to `newHolder` once `threshold` of `reporters` report
    /// `expectedValue` for `factKey`. Requirements: caller holds the asset; newHolder non-zero and not the caller;
    /// 2 <= threshold <= reporters.length; reporters distinct members, neither the holder nor the new holder;
    /// disputeWindow > 0. Emits TriggerCreated.
    function createTrigger(
        bytes32 assetId,
        bytes32 factKey,
        bytes32 expectedValue,
        address newHolder,
        address[] calldata reporters,
        uint16 threshold,
        uint32 disputeWindow,
        bytes32 salt
    ) external returns (bytes32 triggerId);

    /// @notice Reports the fact's value. Requirements: caller is one of the reporters, once; the trigger is open.
    /// Emits FactReported, and TriggerArmed when the expected value reaches the threshold.
    function report(bytes32 triggerId, bytes32 value) external;

    /// @notice Stops an armed trigger. Requirements: caller is the holder or a reporter; inside the dispute window.
    /// Emits TriggerDisputed.
    function dispute(bytes32 triggerId) external;

    /// @notice Moves the asset. Requirements: the trigger is armed, its dispute window closed, and the asset still
    /// held by the holder who set it. Emits TriggerExecuted.
    function execute(bytes32 triggerId) external;

    /// @notice The asset `assetId` (zero holder when unknown).
    function asset(bytes32 assetId) external view returns (Asset memory);
    /// @notice The trigger `triggerId` (state None when unknown).
    function trigger(bytes32 triggerId) external view returns (Trigger memory);
    /// @notice Whether `reporter` is one of the trigger's reporters.
    function isReporter(bytes32 triggerId, address reporter) external view returns (bool);
    /// @notice The id `registerAsset(salt)` gives `registrant`.
    function assetIdOf(address registrant, bytes32 salt) external view returns (bytes32);
    /// @notice Contract version.
    function version() external pure returns (string memory);
}
