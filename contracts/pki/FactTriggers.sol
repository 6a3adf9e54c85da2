// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Threshold-oracle triggers moving registered assets (see IFactTriggers).
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {IFactTriggers} from "./IFactTriggers.sol";

contract FactTriggers is IFactTriggers {
    IConsortiumRegistry private immutable CONSORTIUM;
    mapping(bytes32 assetId => Asset) private _assets;
    mapping(bytes32 triggerId => Trigger) private _triggers;
    mapping(bytes32 triggerId => mapping(address reporter => bool)) private _reporter;
    mapping(bytes32 triggerId => mapping(address reporter => bool)) private _reported;

    /// @param consortium_ Registry of members.
    constructor(IConsortiumRegistry consortium_) {
        if (address(consortium_) == address(0)) revert InvalidTrigger("consortium");
        CONSORTIUM = consortium_;
    }

    /// @inheritdoc IFactTriggers
    function registerAsset(bytes32 salt) external returns (bytes32 assetId) {
        if (!CONSORTIUM.isMember(msg.sender)) revert NotAMember(msg.sender);
        assetId = assetIdOf(msg.sender, salt);
        if (_assets[assetId].holder != address(0)) revert AssetExists(assetId);
        _assets[assetId] = Asset(msg.sender, msg.sender);
        emit AssetRegistered(assetId, msg.sender);
    }

    /// @inheritdoc IFactTriggers
    function createTrigger(
        bytes32 assetId,
        bytes32 factKey,
        bytes32 expectedValue,
        address newHolder,
        address[] calldata reporters,
        uint16 threshold,
        uint32 disputeWindow,
        bytes32 salt
    ) external returns (bytes32 triggerId) {
        address holder = _assets[assetId].holder;
        if (holder == address(0)) revert UnknownAsset(assetId);
        if (holder != msg.sender) revert NotTheHolder(assetId, msg.sender);
        if (newHolder == address(0) || newHolder == holder) revert InvalidTrigger("newHolder");
        if (threshold < 2 || threshold > reporters.length) revert InvalidTrigger("threshold");
        if (disputeWindow == 0) revert InvalidTrigger("disputeWindow");
        triggerId = keccak256(
            abi.encode(
                block.chainid,
                address(this),
                msg.sender,
                assetId,
                factKey,
                expectedValue,
                newHolder,
                reporters,
                salt
            )
        );
        if (_triggers[triggerId].state != TriggerState.None) revert TriggerExists(triggerId);
        uint256 n = reporters.length;
        for (uint256 i = 0; i < n; i++) {
            address r = reporters[i];
            if (r == holder || r == newHolder || !CONSORTIUM.isMember(r) || _reporter[triggerId][r]) {
                revert InvalidTrigger("reporters");
            }
            _reporter[triggerId][r] = true;
        }
        _triggers[triggerId] = Trigger(
            assetId,
            factKey,
            expectedValue,
            holder,
            newHolder,
            threshold,
            0,
            disputeWindow,
            0,
            TriggerState.Open
        );
        emit TriggerCreated(triggerId, assetId, factKey, expectedValue, newHolder, reporters, threshold, disputeWindow);
    }

    /// @inheritdoc IFactTriggers
    function report(bytes32 triggerId, bytes32 value) external {
        Trigger storage t = _existing(triggerId);
        if (!_reporter[triggerId][msg.sender]) revert NotAReporter(triggerId, msg.sender);
        if (t.state != TriggerState.Open) revert WrongTriggerState(triggerId, t.state);
        if (_reported[triggerId][msg.sender]) revert AlreadyReported(triggerId, msg.sender);
        _reported[triggerId][msg.sender] = true;
        if (value == t.expectedValue) t.matching += 1;
        emit FactReported(triggerId, msg.sender, value, t.matching);
        if (t.matching == t.threshold) {
            t.state = TriggerState.Armed;
            t.firesAt = uint64(block.timestamp) + t.disputeWindow;
            emit TriggerArmed(triggerId, t.firesAt);
        }
    }

    /// @inheritdoc IFactTriggers
    function dispute(bytes32 triggerId) external {
        Trigger storage t = _existing(triggerId);
        if (msg.sender != t.holder && !_reporter[triggerId][msg.sender]) revert NotAReporter(triggerId, msg.sender);
        if (t.state != TriggerState.Armed) revert WrongTriggerState(triggerId, t.state);
        if (block.timestamp >= t.firesAt) revert DisputeWindowClosed(triggerId, t.firesAt);
        t.state = TriggerState.Disputed;
        emit TriggerDisputed(triggerId, msg.sender);
    }

    /// @inheritdoc IFactTriggers
    function execute(bytes32 triggerId) external {
        Trigger storage t = _existing(triggerId);
        if (t.state == TriggerState.Open) revert ThresholdNotReached(triggerId, t.matching, t.threshold);
        if (t.state != TriggerState.Armed) revert WrongTriggerState(triggerId, t.state);
        if (block.timestamp < t.firesAt) revert DisputeWindowOpen(triggerId, t.firesAt);
        Asset storage a = _assets[t.assetId];
        if (a.holder != t.holder) revert HolderChanged(t.assetId, a.holder);
        t.state = TriggerState.Executed;
        a.holder = t.newHolder;
        emit TriggerExecuted(triggerId, t.assetId, t.holder, t.newHolder);
    }

    /// @inheritdoc IFactTriggers
    function asset(bytes32 assetId) external view returns (Asset memory) {
        return _assets[assetId];
    }

    /// @inheritdoc IFactTriggers
    function trigger(bytes32 triggerId) external view returns (Trigger memory) {
        return _triggers[triggerId];
    }

    /// @inheritdoc IFactTriggers
    function isReporter(bytes32 triggerId, address reporter) external view returns (bool) {
        return _reporter[triggerId][reporter];
    }

    /// @inheritdoc IFactTriggers
    function assetIdOf(address registrant, bytes32 salt) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), registrant, salt));
    }

    /// @inheritdoc IFactTriggers
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _existing(bytes32 triggerId) private view returns (Trigger storage t) {
        t = _triggers[triggerId];
        if (t.state == TriggerState.None) revert UnknownTrigger(triggerId);
    }
}
