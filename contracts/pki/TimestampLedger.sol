// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Anchored Merkle roots of file digests: proof of existence (see ITimestampLedger).
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {ITimestampLedger} from "./ITimestampLedger.sol";

contract TimestampLedger is ITimestampLedger {
    IConsortiumRegistry private immutable CONSORTIUM;
    mapping(bytes32 root => Anchor) private _anchors;

    /// @param consortium_ Registry of members.
    constructor(IConsortiumRegistry consortium_) {
        if (address(consortium_) == address(0)) revert InvalidAnchor("consortium");
        CONSORTIUM = consortium_;
    }

    /// @inheritdoc ITimestampLedger
    function anchorRoot(bytes32 root, uint32 count) external {
        if (!CONSORTIUM.isMember(msg.sender)) revert NotAMember(msg.sender);
        if (root == bytes32(0)) revert InvalidAnchor("root");
        if (count == 0) revert InvalidAnchor("count");
        Anchor storage a = _anchors[root];
        if (a.anchoredAt != 0) revert AlreadyAnchored(root, a.submitter);
        uint64 at = uint64(block.timestamp);
        _anchors[root] = Anchor(msg.sender, count, at, uint64(block.number));
        emit RootAnchored(root, msg.sender, count, at);
    }

    /// @inheritdoc ITimestampLedger
    function anchorOf(bytes32 root) external view returns (Anchor memory) {
        return _anchors[root];
    }

    /// @inheritdoc ITimestampLedger
    function version() external pure returns (string memory) {
        return "1.0.0";
    }
}
