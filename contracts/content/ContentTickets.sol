// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Event tickets and editions as ERC-1155 classes registered by CSP members (see IContentTickets).
import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {IContentTickets} from "./IContentTickets.sol";

contract ContentTickets is ERC1155, IContentTickets {
    uint16 private constant WHOLE = 10_000;
    uint256 private constant HASH_BITS = 80;
    uint256 private constant ROYALTY_SHIFT = 80;
    uint256 private constant REGISTRANT_SHIFT = 96;

    IConsortiumRegistry private immutable CONSORTIUM;
    mapping(bytes32 fingerprint => uint256 id) private _byFingerprint;
    mapping(uint256 id => uint256 supply) private _supply;

    /// @param consortium_ Registry whose CSP role may register classes.
    constructor(IConsortiumRegistry consortium_) ERC1155("") {
        if (address(consortium_) == address(0)) revert InvalidTicketArgument("consortium");
        CONSORTIUM = consortium_;
    }

    /// @inheritdoc IContentTickets
    function registerClass(
        bytes32 fingerprint,
        uint256 supply,
        uint16 royaltyBps,
        bytes32 metadataHash
    ) external returns (uint256 id) {
        if (!CONSORTIUM.hasRole(msg.sender, Roles.CSP)) revert NotVettedIssuer(msg.sender);
        if (fingerprint == bytes32(0)) revert InvalidTicketArgument("fingerprint");
        if (supply == 0) revert InvalidTicketArgument("supply");
        if (royaltyBps > WHOLE) revert TicketRoyaltyTooHigh(royaltyBps);
        uint256 existing = _byFingerprint[fingerprint];
        if (existing != 0) revert TicketClassTaken(fingerprint, existing);
        id = classIdOf(fingerprint, msg.sender, royaltyBps);
        _byFingerprint[fingerprint] = id;
        _supply[id] = supply;
        emit TicketClassRegistered(id, msg.sender, fingerprint, royaltyBps, supply, metadataHash);
        _mint(msg.sender, id, supply, "");
    }

    /// @inheritdoc IContentTickets
    function classIdOf(bytes32 fingerprint, address registrant, uint16 royaltyBps) public view returns (uint256) {
        uint256 digest = uint256(keccak256(abi.encode(block.chainid, address(this), fingerprint, registrant)));
        return
            (uint256(uint160(registrant)) << REGISTRANT_SHIFT) |
            (uint256(royaltyBps) << ROYALTY_SHIFT) |
            (digest & ((1 << HASH_BITS) - 1));
    }

    /// @inheritdoc IContentTickets
    function supplyOf(uint256 id) external view returns (uint256) {
        return _supply[id];
    }

    /// @inheritdoc IERC2981
    function royaltyInfo(uint256 id, uint256 salePrice) external view returns (address, uint256) {
        if (_supply[id] == 0) return (address(0), 0);
        uint16 royaltyBps = uint16(id >> ROYALTY_SHIFT);
        return (address(uint160(id >> REGISTRANT_SHIFT)), (salePrice * royaltyBps) / WHOLE);
    }

    /// @inheritdoc IContentTickets
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /// @notice ERC-165: ERC-1155 (and its metadata URI extension), ERC-2981 and ERC-165 itself.
    function supportsInterface(bytes4 interfaceId) public view override(ERC1155, IERC165) returns (bool) {
        return interfaceId == type(IERC2981).interfaceId || super.supportsInterface(interfaceId);
    }
}
